namespace BugCheckCallbacks.Simulation;

/// <summary>
/// One reason's protocol as <see cref="BugCheckRun"/> drives it through the dispatch engine: the phase its calls are
/// in, the structure it hands each call, and what it makes of each call.
/// </summary>
internal interface IReasonProtocol
{
    /// <summary>Gets the phase the protocol's calls are in now.</summary>
    BugCheckPhase Phase { get; }

    /// <summary>Gets the structure the protocol hands over, as it is: what a single call is given unprepared.</summary>
    ReasonCallbackData? Data { get; }

    /// <summary>Prepares the structure for the <paramref name="call"/>th call (from 1) of the record at <paramref name="position"/>.</summary>
    ReasonCallbackData? Prepare(int position, int call);

    /// <summary>Checks and logs a call that returned (or faulted); true when the protocol calls the record again.</summary>
    bool Conclude(BugCheckRun.CallSite site, int call, BugCheckRun.CallResult result, BufferDumpState state);
}
