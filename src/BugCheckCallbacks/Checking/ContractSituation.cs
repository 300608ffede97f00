using System.Globalization;
using System.Text;

namespace BugCheckCallbacks.Checking;

/// <summary>
/// Represents one situation the contract allows a callback to meet: one simulated bug check, described whole so that
/// <see cref="ContractChecker.Replay{TData}"/>
/// replays it.
/// </summary>
/// <param name="Reason">The reason the callback is registered for.</param>
/// <param name="DumpType">The dump type being written; one that dispatches <paramref name="Reason"/>.</param>
/// <param name="Name">What the situation tries, such as <c>MaximumAllowed tiny</c> or <c>generated #3 (seed 42)</c>.</param>
public sealed record ContractSituation(BugCheckCallbackReason Reason, DumpType DumpType, string Name)
{
    /// <summary>Gets the <c>MaximumAllowed</c> the first secondary-data blob is offered, or <see langword="null"/> for the kernel's whole budget.</summary>
    public uint? MaximumAllowed { get; init; }

    /// <summary>Gets the size of the system buffer handed to secondary-data calls (<c>InBufferLength</c>).</summary>
    public int InBufferSize { get; init; } = SecondaryDumpData.DefaultInBufferLength;

    /// <summary>Gets the <c>MaxVirtMemSize</c> handed to triage calls.</summary>
    public uint TriageMaxVirtMemSize { get; init; } = TriageDumpData.DefaultMaxVirtMemSize;

    /// <summary>Gets whether every write reaches DumpIo callbacks with <see cref="DumpIoData.SequentialOffset"/>.</summary>
    public bool SequentialDumpIo { get; init; }

    /// <summary>Gets whether another driver's callback of the same reason faults just before this one is called.</summary>
    public bool FaultBefore { get; init; }

    /// <summary>Gets how many records the callback is registered with: 2 models a driver registering once per device.</summary>
    public int Instances { get; init; } = 1;

    /// <summary>Gets the stop code and its four parameters, as one value.</summary>
    /// <value>0xE2 (<c>MANUALLY_INITIATED_CRASH</c>) with zero parameters.</value>
    public BugCheckParameters BugCheck { get; init; } = new(0xE2, 0, 0, 0, 0);

    /// <summary>Gets the stop code of the bug check (<see cref="BugCheck"/>'s <see cref="BugCheckParameters.Code"/>).</summary>
    public uint BugCheckCode { get => BugCheck.Code; init => BugCheck = BugCheck with { Code = value }; }

    /// <summary>Gets the first stop parameter.</summary>
    public ulong BugCheckParameter1 { get => BugCheck.Parameter1; init => BugCheck = BugCheck with { Parameter1 = value }; }

    /// <summary>Gets the second stop parameter.</summary>
    public ulong BugCheckParameter2 { get => BugCheck.Parameter2; init => BugCheck = BugCheck with { Parameter2 = value }; }

    /// <summary>Gets the third stop parameter.</summary>
    public ulong BugCheckParameter3 { get => BugCheck.Parameter3; init => BugCheck = BugCheck with { Parameter3 = value }; }

    /// <summary>Gets the fourth stop parameter.</summary>
    public ulong BugCheckParameter4 { get => BugCheck.Parameter4; init => BugCheck = BugCheck with { Parameter4 = value }; }

    /// <summary>
    /// Gets a value indicating whether the data pass offers the whole budget whatever the sizing answer was: a situation the
    /// kernel never makes, run so that a routine that answers the size query with 0 still has its data pass checked.
    /// </summary>
    public bool IgnoreSizingAnswer { get; init; }

    /// <summary>Returns the situation in one line: its name, then every input that differs from the defaults.</summary>
    /// <returns>For instance <c>MaximumAllowed tiny: Summary dump, MaximumAllowed 0x8</c>.</returns>
    public override string ToString()
    {
        var text = new StringBuilder(Name).Append(": ").Append(DumpType).Append(" dump");
        if (BugCheck != new BugCheckParameters(0xE2, 0, 0, 0, 0))
        {
            text.Append(", ").Append(BugCheck.ToString());
        }

        if (MaximumAllowed is { } maximum)
        {
            text.Append(CultureInfo.InvariantCulture, $", MaximumAllowed 0x{maximum:X}");
        }

        if (InBufferSize != SecondaryDumpData.DefaultInBufferLength)
        {
            text.Append(CultureInfo.InvariantCulture, $", InBufferLength 0x{InBufferSize:X}");
        }

        if (TriageMaxVirtMemSize != TriageDumpData.DefaultMaxVirtMemSize)
        {
            text.Append(CultureInfo.InvariantCulture, $", MaxVirtMemSize 0x{TriageMaxVirtMemSize:X}");
        }

        if (SequentialDumpIo)
        {
            text.Append(", sequential DumpIo offsets");
        }

        if (FaultBefore)
        {
            text.Append(", after another driver's callback faulted");
        }

        if (IgnoreSizingAnswer)
        {
            text.Append(", the data pass offered the whole budget whatever the sizing answer (the checker's, not the kernel's)");
        }

        if (Instances > 1)
        {
            text.Append(CultureInfo.InvariantCulture, $", registered {Instances} times (one record per device)");
        }

        return text.ToString();
    }
}
