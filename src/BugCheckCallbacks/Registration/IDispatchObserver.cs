namespace BugCheckCallbacks.Registration;

/// <summary>
/// What a walk of <see cref="DispatchEngine"/> tells its caller around each call: a struct (or ref struct), so that the
/// hook allocates nothing and inlines. The registry's dispatch records results through one; the simulated kernel times
/// calls, measures allocations, applies the verifier and logs through another.
/// </summary>
internal interface IDispatchObserver
{
    /// <summary>Just before call <paramref name="call"/> (from 1) of the record at <paramref name="position"/> in the walk.</summary>
    /// <returns>The reason-specific data to pass to the routine.</returns>
    ReasonCallbackData? BeforeCall(BugCheckReasonCallbackRecord record, int position, int call);

    /// <summary>
    /// Right after the call returned (<paramref name="exception"/> null) or threw. <paramref name="state"/> is the
    /// record's state now when the walk finished it (or it faulted); otherwise <see cref="DispatchEngine.StateNotFinished"/>.
    /// </summary>
    /// <returns><see langword="true"/> to call the same record again (a repeat protocol); ignored after a fault.</returns>
    bool AfterCall(BugCheckReasonCallbackRecord record, int position, int call, Exception? exception, BufferDumpState state);
}

/// <summary>The hook of a walk of the classic list (<c>KeRegisterBugCheckCallback</c>): after each routine returned or threw.</summary>
internal interface IClassicDispatchObserver
{
    /// <summary>Just before the routine of the classic record at <paramref name="position"/> runs.</summary>
    void BeforeCall(BugCheckCallbackRecord record, int position);

    /// <summary>Right after it returned (<paramref name="exception"/> null) or threw; the record is Finished or Incomplete.</summary>
    void AfterCall(BugCheckCallbackRecord record, int position, Exception? exception);
}
