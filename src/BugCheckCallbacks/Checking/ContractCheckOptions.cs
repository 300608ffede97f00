using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Checking;

/// <summary>Represents how <see cref="ContractChecker"/> checks a callback.</summary>
public sealed record ContractCheckOptions
{
    /// <summary>Gets the seed of the generated situations: the same seed generates the same situations.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Gets how many situations to generate at random (from <see cref="Seed"/>) beyond the fixed table; 0 for the table alone.</summary>
    public int GeneratedSituations { get; init; } = 32;

    /// <summary>Gets the simulation options every situation starts from; the situation sets its dump type, budgets and buffers over them.</summary>
    /// <remarks>The default shortens <see cref="SimulationOptions.HangTimeout"/> to 5 seconds, so a hanging callback fails a test quickly.</remarks>
    public SimulationOptions Simulation { get; init; } = new() { HangTimeout = TimeSpan.FromSeconds(5) };

    /// <summary>Gets whether the table has situations where the callback is registered twice, as a driver does once per device.</summary>
    /// <remarks>Turn it off for a driver that can only ever have one instance; otherwise a constant tag is a <see cref="ViolationKind.DuplicateGuid"/>.</remarks>
    public bool IncludeSecondInstance { get; init; } = true;

    /// <summary>Gets the component name the callback is registered with.</summary>
    public string Component { get; init; } = "checked.sys";

    /// <summary>Throws when a value is out of range.</summary>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(GeneratedSituations, nameof(GeneratedSituations));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(GeneratedSituations, 100_000, nameof(GeneratedSituations));
        ArgumentNullException.ThrowIfNull(Simulation, nameof(Simulation));
        ArgumentNullException.ThrowIfNull(Component, nameof(Component));
        Simulation.Validate();
    }
}
