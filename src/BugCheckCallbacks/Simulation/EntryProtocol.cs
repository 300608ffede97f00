namespace BugCheckCallbacks.Simulation;

/// <summary>The first phase's calls (<c>KbCallbackReserved1</c>): no structure, one call each, logged.</summary>
internal sealed class EntryProtocol(BugCheckRun run) : IReasonProtocol
{
    public BugCheckPhase Phase => BugCheckPhase.Entry;

    public ReasonCallbackData? Data => null;

    public ReasonCallbackData? Prepare(int position, int call) => null;

    public bool Conclude(BugCheckRun.CallSite site, int call, BugCheckRun.CallResult result, BufferDumpState state)
    {
        run.Log(site, InvocationPass.None, null, result, 0, state);
        return false;
    }
}
