namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The SecondaryMultiPartDumpData protocol of one bug check: the _EX structure, called again while the callback sets
/// ADDITIONAL_DATA; Context is kept, Flags are cleared on every entry, each call's output is one blob of the region,
/// and a call that asks again without output, or past the call budget, is stopped.
/// </summary>
internal sealed class MultiPartProtocol(BugCheckRun run, SecondaryRegion region) : IReasonProtocol
{
    /// <summary>Gets the structure every call is handed; null when no multi-part callback is registered.</summary>
    public SecondaryDumpDataEx? Data { get; private set; }

    /// <inheritdoc/>
    public BugCheckPhase Phase => BugCheckPhase.SecondaryMultiPartData;

    /// <inheritdoc/>
    ReasonCallbackData? IReasonProtocol.Data => Data;

    /// <summary>A bug check's walk starts with the kernel's inputs.</summary>
    public void Start(int inBufferSize, DumpType dumpType, BugCheckParameters bugCheck) => Data = new SecondaryDumpDataEx(inBufferSize)
    {
        DumpType = dumpType,
        BugCheck = bugCheck,
    };

    /// <summary>One call on its own: the structure the caller built, as the kernel would hand it over.</summary>
    public void Adopt(SecondaryDumpDataEx data) => Data = data;

    /// <summary>Before a call: Context zero on the first, Flags cleared on every one, MaximumAllowed what the region has left.</summary>
    public ReasonCallbackData? Prepare(int position, int call)
    {
        if (call == 1)
        {
            Data!.Context = 0;
        }

        Data!.Flags = SecondaryDataFlags.None;
        Data.PrepareDataCall(SecondaryRegion.Allowance(region.Size, region.Used));
        return Data;
    }

    /// <summary>After a call: its part written; true when it asks to be called again, with output and within the budget.</summary>
    public bool Conclude(BugCheckRun.CallSite site, int call, BugCheckRun.CallResult result, BufferDumpState state)
    {
        var data = Data!;
        region.LogAndWrite(site, InvocationPass.None, result, data, state, sizing: null);
        if (result.Exception is not null || (data.Flags & SecondaryDataFlags.AdditionalData) == 0)
        {
            return false;
        }

        if (data.OutBufferLength == 0)
        {
            run.Violate(site, ViolationKind.MultiPartNoProgress, "ADDITIONAL_DATA was set but OutBufferLength is 0.");
            return false;
        }

        if (call == run.Options.RepeatCallBudget)
        {
            run.Violate(site, ViolationKind.RepeatProtocolNeverEnds, FormattableString.Invariant($"ADDITIONAL_DATA was still set after {call} calls."));
            return false;
        }

        return true;
    }
}
