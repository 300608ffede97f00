using System.Diagnostics;
using System.Globalization;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// One simulated bug check: runs the phases in order over a frozen snapshot of the registry, calls every callback the
/// way the kernel does, and collects the outcome. The reason-specific data objects are allocated once here and reused
/// for every call.
/// </summary>
internal sealed partial class BugCheckRun
{
    private const int ReasonCount = (int)BugCheckCallbackReason.Reserved3 + 1;

    private readonly SimulationOptions _options;
    private readonly RegistrySnapshot _snapshot;
    private readonly BugCheckRequest _request;
    private readonly IDumpSink? _sink;
    private readonly int[][] _calls = new int[ReasonCount][];
    private readonly int[] _classicCalls;
    private readonly List<CallbackInvocation> _invocations = [];
    private readonly List<Violation> _violations = [];
    private readonly DumpIoData _dumpIo = new();
    private int _sequence;
    private long _totalCalls;
    private uint _displayedStopCode;

    public BugCheckRun(SimulationOptions options, RegistrySnapshot snapshot, BugCheckRequest request, IDumpSink? sink)
    {
        _options = options;
        _snapshot = snapshot;
        _request = request;
        _sink = sink;
        _displayedStopCode = request.BugCheckCode;
        _classicCalls = new int[snapshot.ClassicCallbacks.Length];
        for (var reason = 0; reason < ReasonCount; reason++)
        {
            var records = snapshot.GetCallbacks((BugCheckCallbackReason)reason);
            _calls[reason] = new int[records.Length];
            foreach (var record in records)
            {
                CallbackPreparation.Prepare(record.Callback!);
            }
        }

        foreach (var record in snapshot.ClassicCallbacks)
        {
            CallbackPreparation.Prepare(record.Callback!);
        }
    }

    public BugCheckOutcome Run()
    {
        RunEntry();
        if (_options.DumpType is DumpType.Triage or DumpType.Automatic)
        {
            RunTriage();
        }

        // Since Windows 8, AddPages (and RemovePages) callbacks run for kernel and complete dumps alike.
        if (_options.DumpType is DumpType.Full or DumpType.Summary or DumpType.BitmapFull or DumpType.BitmapKernel or DumpType.Automatic)
        {
            RunPageProtocol(BugCheckCallbackReason.AddPages, new AddPagesData());
            RunPageProtocol(BugCheckCallbackReason.RemovePages, new RemovePagesData());
        }

        WriteHeader();
        WriteBody();
        RunSecondaryData();
        RunMultiPartData();
        _writer?.FlushRegion(); // the region's last piece, still in the phase of the blob that ended it
        CompleteDump();
        RunClassic();

        return BuildOutcome();
    }

    private void RunEntry()
    {
        var records = _snapshot.GetCallbacks(BugCheckCallbackReason.Reserved1);
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            if (TryCall(BugCheckCallbackReason.Reserved1, record, i, null, finishOnReturn: true, out var call))
            {
                Log(Site(BugCheckPhase.Entry, BugCheckCallbackReason.Reserved1, record, i), InvocationPass.None, null, call, 0, record.State);
            }
        }
    }

    private void RunClassic()
    {
        var records = _snapshot.ClassicCallbacks;
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            if (!record.StateCell.TryMove(BufferDumpState.Inserted, BufferDumpState.Started))
            {
                continue;
            }

            var probe = BeginProbe();
            var call = EndProbe(probe, CallbackInvoker.Invoke(record.Callback!, record.Buffer.Span));
            _classicCalls[i]++;
            record.StateCell.TryMove(BufferDumpState.Started, call.Exception is null ? BufferDumpState.Finished : BufferDumpState.Incomplete);
            var site = new CallSite(BugCheckPhase.Classic, null, record.Component ?? string.Empty, i, 1);
            Log(site, InvocationPass.None, null, call, record.Length, record.State);
        }
    }

    /// <summary>Calls one record if the kernel would (Inserted, its reason, a valid checksum), measuring time and allocations.</summary>
    private bool TryCall(BugCheckCallbackReason reason, BugCheckReasonCallbackRecord record, int index, ReasonCallbackData? data, bool finishOnReturn, out CallResult call)
    {
        if (!BugCheckCallbackRegistry.TryBeginCall(record, reason, out var generation, out var callback))
        {
            call = default;
            return false;
        }

        var probe = BeginProbe();
        call = EndProbe(probe, CallbackInvoker.Invoke(record, callback, reason, data));
        if (call.Exception is not null || finishOnReturn)
        {
            record.StateCell.Finish(generation, call.Exception is null ? BufferDumpState.Finished : BufferDumpState.Incomplete);
        }

        _calls[(int)reason][index]++;
        return true;
    }

    private CallProbe BeginProbe() => new(
        _sequence++,
        _options.DetectAllocations ? GC.GetAllocatedBytesForCurrentThread() - KernelAllocationLedger.ExcludedBytes : 0,
        _options.TimeProvider.GetTimestamp());

    private CallResult EndProbe(CallProbe probe, Exception? exception)
    {
        var duration = _options.TimeProvider.GetElapsedTime(probe.StartTimestamp);
        // What the registry allocated on the callback's behalf (KernelAllocationLedger) is not charged to the callback.
        var allocated = _options.DetectAllocations ? GC.GetAllocatedBytesForCurrentThread() - KernelAllocationLedger.ExcludedBytes - probe.AllocatedBefore : 0;
        return new CallResult(probe.Sequence, exception, duration, allocated);
    }

    /// <summary>Records a call and the violations every call can commit (fault, time, allocation).</summary>
    private void Log(CallSite site, InvocationPass pass, DumpIoType? ioType, CallResult call, long bytesProduced, BufferDumpState stateAfter)
    {
        // Every call is logged when it returns and before anything else is called, so the log is already in call order.
        Debug.Assert(_invocations.Count == 0 || _invocations[^1].Sequence < call.Sequence, "Calls are logged in call order.");
        _totalCalls++;
        if (_options.Log == InvocationLog.All || (_options.Log == InvocationLog.Bounded && _invocations.Count < _options.MaxLoggedCalls))
        {
            _invocations.Add(new CallbackInvocation(
                call.Sequence, site.Phase, site.Reason, pass, ioType, site.Component, site.Index, site.CallNumber,
                call.Duration, bytesProduced, call.AllocatedBytes, stateAfter, call.Exception is not null));
        }

        switch (call.Exception)
        {
            case NestedBugCheckException nested:
                _displayedStopCode = nested.BugCheckCode;
                Violate(site, ViolationKind.NestedBugCheck, Invariant($"KeBugCheckEx(0x{nested.BugCheckCode:X8}) was called from inside the callback."));
                break;
            case { } exception:
                Violate(site, ViolationKind.CallbackThrew, Invariant($"{exception.GetType().FullName}: {exception.Message}"));
                break;
        }

        if (call.Duration > _options.CallTimeBudget)
        {
            Violate(site, ViolationKind.TimeBudgetExceeded, Invariant($"The call took {call.Duration.TotalMilliseconds:F1} ms; the budget is {_options.CallTimeBudget.TotalMilliseconds:F1} ms."));
        }

        // A thrown exception allocates itself; that call is already reported as CallbackThrew.
        if (call.Exception is null && call.AllocatedBytes > 0)
        {
            Violate(site, ViolationKind.AllocatedMemory, Invariant($"The call allocated {call.AllocatedBytes} bytes of managed memory."));
        }
    }

    private void Violate(CallSite site, ViolationKind kind, string detail) =>
        _violations.Add(new Violation(kind, site.Phase, site.Reason, site.Component, site.Index, site.CallNumber, detail));

    /// <summary>Ends a reason's protocol: every record that was called and is still Inserted becomes Finished.</summary>
    private void FinishReason(BugCheckCallbackReason reason)
    {
        var records = _snapshot.GetCallbacks(reason);
        for (var i = 0; i < records.Length; i++)
        {
            if (_calls[(int)reason][i] > 0 && records[i].StateCell.IsCallable(out var generation))
            {
                records[i].StateCell.Finish(generation, BufferDumpState.Finished);
            }
        }
    }

    private CallSite Site(BugCheckPhase phase, BugCheckCallbackReason reason, BugCheckReasonCallbackRecord record, int index) =>
        new(phase, reason, record.Component ?? string.Empty, index, _calls[(int)reason][index]);

    private BugCheckOutcome BuildOutcome()
    {
        var records = new List<RecordOutcome>();
        for (var reason = 1; reason < ReasonCount; reason++)
        {
            var list = _snapshot.GetCallbacks((BugCheckCallbackReason)reason);
            for (var i = 0; i < list.Length; i++)
            {
                records.Add(new RecordOutcome((BugCheckCallbackReason)reason, list[i].Component ?? string.Empty, i, _calls[reason][i], list[i].State));
            }
        }

        var classic = _snapshot.ClassicCallbacks;
        for (var i = 0; i < classic.Length; i++)
        {
            records.Add(new RecordOutcome(null, classic[i].Component ?? string.Empty, i, _classicCalls[i], classic[i].State));
        }

        return new BugCheckOutcome
        {
            BugCheckCode = _request.BugCheckCode,
            BugCheckParameter1 = _request.BugCheckParameter1,
            BugCheckParameter2 = _request.BugCheckParameter2,
            BugCheckParameter3 = _request.BugCheckParameter3,
            BugCheckParameter4 = _request.BugCheckParameter4,
            DisplayedStopCode = _displayedStopCode,
            DumpType = _request.DumpType,
            PageSize = SimulatedMemoryMap.PageSize,
            Invocations = _invocations.ToArray(),
            TotalCalls = _totalCalls,
            Violations = _violations.ToArray(),
            Blobs = _blobs.ToArray(),
            BodyRanges = _bodyRanges.ToArray(),
            TriageBlocks = _triageBlocks.ToArray(),
            Records = records.ToArray(),
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    private readonly record struct CallSite(BugCheckPhase Phase, BugCheckCallbackReason? Reason, string Component, int Index, int CallNumber);

    private readonly record struct CallProbe(int Sequence, long AllocatedBefore, long StartTimestamp);

    private readonly record struct CallResult(int Sequence, Exception? Exception, TimeSpan Duration, long AllocatedBytes);
}
