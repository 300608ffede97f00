using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Represents what one call of one callback did, with the structure it was handed as the callback left it.</summary>
/// <typeparam name="TData">The reason's structure, such as <see cref="SecondaryDumpData"/>.</typeparam>
public sealed class CallOutcome<TData> : CallOutcome
    where TData : ReasonCallbackData
{
    internal CallOutcome(CallOutcome outcome, TData data)
        : base(outcome.Record, outcome.Invocation, outcome.Violations, outcome.AsksToBeCalledAgain, outcome.Blob, outcome.PageRanges, outcome.TriageBlocks)
    {
        Data = data;
    }

    /// <summary>Gets the structure the callback was handed, as it left it: what it set (<c>OutBuffer</c>, <c>Guid</c>, <c>Flags</c>, <c>Context</c>...).</summary>
    public TData Data { get; }
}
