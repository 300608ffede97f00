namespace BugCheckCallbacks.Simulation;

/// <summary>Specifies which calls <see cref="BugCheckOutcome.Invocations"/> keeps; violations and every record's summary are always kept.</summary>
public enum InvocationLog
{
    /// <summary>Every call up to <see cref="SimulationOptions.MaxLoggedCalls"/>, then only the count: memory stays bounded however many callbacks run. The default.</summary>
    Bounded = 0,

    /// <summary>Every call, however many: memory grows with the number of calls.</summary>
    All = 1,

    /// <summary>No call; <see cref="BugCheckOutcome.Records"/> (calls and final state of every record) and the violations only.</summary>
    None = 2,
}
