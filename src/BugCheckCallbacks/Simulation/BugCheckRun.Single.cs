using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private bool _singleCall;
    private bool _asksAgain;

    /// <summary>
    /// One call of one record with the structure the caller built: the same walk, checks and log as in a bug check, but the
    /// data is handed over as given (nothing prepares it) and a request to be called again ends the walk instead of looping.
    /// </summary>
    public CallOutcome RunSingleCall(BugCheckReasonCallbackRecord record, ReasonCallbackData? data)
    {
        _singleCall = true;
        var protocol = Adopt(data);
        Walk(record.Reason, protocol, finish: protocol is EntryProtocol or TriageProtocol);
        var call = _invocations[0];
        PageRange[] ranges = protocol is PageProtocol && _pages.LastRange is { } range ? [range] : [];
        return new CallOutcome(record, call, _violations.ToArray(), _asksAgain, _region.Blobs.Count > 0 ? _region.Blobs[0] : null, ranges, [.. _triage.Blocks])
        {
            Inconclusive = _inconclusive.ToArray(),
        };
    }

    /// <summary>The single call as far as it got when it was abandoned: it never returned, so it produced nothing and its record is still in its call.</summary>
    public CallOutcome AbandonedSingleCall()
    {
        var site = _routineSite;
        var call = new CallbackInvocation(
            0, site.Phase, site.Reason, InvocationPass.None, null, site.Component, site.Index, site.CallNumber,
            _options.TimeProvider.GetElapsedTime(Volatile.Read(ref _routineStart)), 0, 0, site.Record!.State, Faulted: false)
        {
            Record = site.Record,
        };
        return new CallOutcome(site.Record, call, _violations.ToArray(), false, null, [], []);
    }

    /// <summary>Puts the caller's structure where its protocol reads it; returns that protocol.</summary>
    private IReasonProtocol Adopt(ReasonCallbackData? data)
    {
        switch (data)
        {
            case null:
                return _entry;
            case SecondaryDumpDataEx multiPart:
                _multiPart.Adopt(multiPart);
                return _multiPart;
            case SecondaryDumpData secondary:
                _secondary.Adopt(secondary);
                return secondary.IsSizeQuery ? _secondary.Sizing : _secondary.DataPass;
            case AddPagesData or RemovePagesData:
                _pages.Start((PageRangeData)data);
                return _pages;
            case DumpIoData io:
                _dumpIo.Adopt(io, PhaseOfWrite(io.Type));
                return _dumpIo;
            default:
                _triage.Adopt((TriageDumpData)data);
                return _triage;
        }
    }

    private static BugCheckPhase PhaseOfWrite(DumpIoType type) => type switch
    {
        DumpIoType.Header => BugCheckPhase.DumpHeader,
        DumpIoType.Body => BugCheckPhase.DumpBody,
        DumpIoType.SecondaryData => BugCheckPhase.SecondaryData,
        _ => BugCheckPhase.DumpComplete,
    };
}
