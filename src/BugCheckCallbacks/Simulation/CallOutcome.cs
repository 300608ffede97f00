using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents what one call of one callback did, made outside a bug check with <see cref="SimulatedKernel.Invoke(BugCheckReasonCallbackRecord)"/>:
/// the call as the log shows it, what the kernel accepted from it, and what the verifier thinks of it.
/// </summary>
/// <remarks>
/// The checks are the ones a bug check applies to that call. Rules that need more than one call (a tag used by another
/// record, a repeat protocol that never ends) cannot be broken by a single call; <see cref="AsksToBeCalledAgain"/> says
/// whether the callback asked for another call.
/// </remarks>
public class CallOutcome
{
    internal CallOutcome(
        BugCheckReasonCallbackRecord record,
        CallbackInvocation invocation,
        IReadOnlyList<Violation> violations,
        bool asksToBeCalledAgain,
        SecondaryBlobInfo? blob,
        IReadOnlyList<PageRange> pageRanges,
        IReadOnlyList<TriageBlockInfo> triageBlocks)
    {
        Record = record;
        Invocation = invocation;
        Violations = violations;
        AsksToBeCalledAgain = asksToBeCalledAgain;
        Blob = blob;
        PageRanges = pageRanges;
        TriageBlocks = triageBlocks;
    }

    /// <summary>Gets the record that was called (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>).</summary>
    public BugCheckReasonCallbackRecord Record { get; }

    /// <summary>Gets the call as the invocation log shows it: duration, bytes, allocation, the record's state right after it, whether it faulted.</summary>
    public CallbackInvocation Invocation { get; }

    /// <summary>Gets whether the callback raised an exception (or bug-checked).</summary>
    public bool Faulted => Invocation.Faulted;

    /// <summary>Gets the record's state right after the call (<c>KBUGCHECK_BUFFER_DUMP_STATE</c>).</summary>
    /// <remarks>The kernel puts the record back to Inserted after the call, since no bug check happened.</remarks>
    public BufferDumpState StateAfter => Invocation.StateAfter;

    /// <summary>Gets the violations the call committed, in the order they were found; empty when it kept the contract.</summary>
    public IReadOnlyList<Violation> Violations { get; }

    /// <summary>Gets the checks the verifier could not decide for the call (<see cref="BugCheckOutcome.Inconclusive"/>); never violations.</summary>
    public IReadOnlyList<InconclusiveVerdict> Inconclusive { get; internal init; } = [];

    /// <summary>Gets whether the callback set <c>KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST</c> or <c>KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA</c> and the kernel would call it again.</summary>
    public bool AsksToBeCalledAgain { get; }

    /// <summary>Gets the blob the kernel accepted from a data pass or multi-part call, or <see langword="null"/> when there is none or it was dropped.</summary>
    public SecondaryBlobInfo? Blob { get; }

    /// <summary>Gets the whole pages an AddPages call adds to (or a RemovePages call takes from) the dump; empty when the range was rejected or the reason has no ranges.</summary>
    public IReadOnlyList<PageRange> PageRanges { get; }

    /// <summary>Gets the triage blocks the kernel accepted from a TriageDumpData call.</summary>
    public IReadOnlyList<TriageBlockInfo> TriageBlocks { get; }
}
