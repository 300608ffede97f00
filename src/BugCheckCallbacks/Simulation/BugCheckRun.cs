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
    private readonly EntryProtocol _entry;
    private readonly TriageProtocol _triage;
    private readonly PageProtocol _pages;
    private readonly DumpIoProtocol _dumpIo;
    private readonly SecondaryRegion _region;
    private readonly SecondaryProtocol _secondary;
    private readonly MultiPartProtocol _multiPart;
    private int _sequence;
    private CallProbe _probe;
    private long _totalCalls;
    private uint _displayedStopCode;

    public BugCheckRun(SimulationOptions options, RegistrySnapshot snapshot, BugCheckRequest request, IDumpSink? sink)
    {
        if (snapshot.Images.Length > 0) // a bug check, not one call: the kernel's structures are in memory
        {
            _kernel = new KernelMemory(snapshot, options);
            options = WithKernelMemory(options, _kernel);
        }

        _options = options;
        _snapshot = snapshot;
        _request = request;
        _sink = sink;
        _displayedStopCode = request.BugCheck.Code;
        _entry = new EntryProtocol(this);
        _triage = new TriageProtocol(this);
        _pages = new PageProtocol(this);
        _dumpIo = new DumpIoProtocol(this);
        _region = new SecondaryRegion(this);
        _secondary = new SecondaryProtocol(this, _region);
        _multiPart = new MultiPartProtocol(this, _region);
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

    /// <summary>Gets the options the run uses (the kernel's memory added to the map).</summary>
    internal SimulationOptions Options => _options;

    /// <summary>Gets the stop code and parameters the bug check was asked for.</summary>
    internal BugCheckParameters BugCheck => _request.BugCheck;

    public BugCheckOutcome Run()
    {
        RunEntry();
        if (DumpTypes.Dispatches(_options.DumpType, BugCheckCallbackReason.TriageDumpData))
        {
            _triage.Start(_options.TriageMaxVirtMemSize, _request.BugCheck);
            Walk(BugCheckCallbackReason.TriageDumpData, _triage, finish: true);
        }

        if (DumpTypes.Dispatches(_options.DumpType, BugCheckCallbackReason.AddPages))
        {
            RunPageProtocol(BugCheckCallbackReason.AddPages, new AddPagesData());
            RunPageProtocol(BugCheckCallbackReason.RemovePages, new RemovePagesData());
        }

        SizeSecondaryData(); // before the header, as Windows: the header's RequiredDumpSpace is final when written
        WriteHeader();
        WriteBody();
        RunSecondaryData();
        RunMultiPartData();
        FinishRegion();
        CompleteDump();
        RunClassic();

        return BuildOutcome();
    }

    private void RunEntry() => Walk(BugCheckCallbackReason.Reserved1, _entry, finish: true);

    private void RunPageProtocol(BugCheckCallbackReason reason, PageRangeData data)
    {
        _pages.Start(data);
        Walk(reason, _pages, finish: false);
        FinishReason(reason);
    }

    /// <summary>The classic callbacks, after the dump is written, through the engine's classic walk.</summary>
    private void RunClassic()
    {
        var observer = new ClassicObserver(this);
        DispatchEngine.WalkClassic(_snapshot.ClassicCallbacks, ref observer);
    }

    private void BeforeClassicCall(BugCheckCallbackRecord record, int position)
    {
        _classicCalls[position]++;
        EnterRoutine(ClassicSite(record, position));
        _probe = BeginProbe();
    }

    private void AfterClassicCall(BugCheckCallbackRecord record, int position, Exception? exception)
    {
        var call = EndProbe(_probe, exception);
        LeaveRoutine();
        Log(ClassicSite(record, position), InvocationPass.None, null, call, record.Length, record.State);
    }

    /// <summary>Walks the frozen list of <paramref name="reason"/> through the dispatch engine, the protocol's hook around each call.</summary>
    private void Walk(BugCheckCallbackReason reason, IReasonProtocol protocol, bool finish)
    {
        var observer = new RunObserver(this, protocol);
        DispatchEngine.Walk(_snapshot.GetSlots(reason), reverse: false, reason, finish, ref observer);
    }

    /// <summary>Before a call: the protocol prepares the data, the call is counted, and the probe starts — last, so it times only the routine.</summary>
    private ReasonCallbackData? BeforeCall(IReasonProtocol protocol, BugCheckReasonCallbackRecord record, int position, int call)
    {
        // A single call hands over the structure the caller built, as the kernel would hand it over: nothing prepares it.
        var data = _singleCall ? protocol.Data : protocol.Prepare(position, call);
        _calls[(int)record.Reason][position]++;
        EnterRoutine(Site(protocol.Phase, record, position));
        _probe = BeginProbe(); // last: the probe's window holds the routine and nothing of the kernel's
        return data;
    }

    /// <summary>After a call: the probe ends first, then the protocol checks and logs the call; true asks for another call.</summary>
    private bool AfterCall(IReasonProtocol protocol, BugCheckReasonCallbackRecord record, int position, int call, Exception? exception, BufferDumpState state)
    {
        var result = EndProbe(_probe, exception);
        LeaveRoutine();
        var again = protocol.Conclude(Site(protocol.Phase, record, position), call, result, DispatchEngine.StateAfterCall(record, state));
        _asksAgain = again;
        return again && !_singleCall;
    }

    /// <summary>Records a call and the violations every call can commit (fault, time, allocation).</summary>
    internal void Log(CallSite site, InvocationPass pass, DumpIoType? ioType, CallResult call, long bytesProduced, BufferDumpState stateAfter)
    {
        // Every call is logged when it returns and before anything else is called, so the log is already in call order.
        Debug.Assert(_invocations.Count == 0 || _invocations[^1].Sequence < call.Sequence, "Calls are logged in call order.");
        _totalCalls++;
        if (_options.Log == InvocationLog.All || (_options.Log == InvocationLog.Bounded && _invocations.Count < _options.MaxLoggedCalls))
        {
            _invocations.Add(new CallbackInvocation(
                call.Sequence, site.Phase, site.Reason, pass, ioType, site.Component, site.Index, site.CallNumber,
                call.Duration, bytesProduced, call.AllocatedBytes, stateAfter, call.Exception is not null)
            {
                Record = site.Record,
                ClassicRecord = site.ClassicRecord,
            });
        }

        switch (call.Exception)
        {
            case InvalidPointerException pointer:
                Violate(site, ViolationKind.InvalidPointer, pointer.Message);
                break;
            case NestedBugCheckException nested:
                _displayedStopCode = nested.BugCheck.Code;
                Violate(site, ViolationKind.NestedBugCheck, $"{nested.Call} was called from inside the callback.");
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
            JudgeAllocation(site, call);
        }

        if (call.PoolCalls > 0)
        {
            Violate(site, ViolationKind.AllocatedMemory, Invariant($"The routine called the pool allocator {call.PoolCalls} time(s) at HIGH_LEVEL, for 0x{call.PoolBytes:X} bytes; each call returned NULL."));
        }
    }

    internal void Violate(CallSite site, ViolationKind kind, string detail, uint? offered = null) =>
        _violations.Add(new Violation(kind, site.Phase, site.Reason, site.Component, site.Index, site.CallNumber, detail)
        {
            Record = site.Record,
            ClassicRecord = site.ClassicRecord,
            OfferedMaximumAllowed = offered ?? site.Phase switch
            {
                BugCheckPhase.SecondaryDataSizing or BugCheckPhase.SecondaryData => _secondary.Data?.MaximumAllowed,
                BugCheckPhase.SecondaryMultiPartData => _multiPart.Data?.MaximumAllowed,
                _ => null,
            },
        });

    /// <summary>Ends a reason's protocol: every record that was called and is still Inserted becomes Finished.</summary>
    private void FinishReason(BugCheckCallbackReason reason)
    {
        var records = _snapshot.GetCallbacks(reason);
        for (var i = 0; i < records.Length; i++)
        {
            if (_calls[(int)reason][i] > 0)
            {
                records[i].EndProtocol();
            }
        }
    }

    private CallSite Site(BugCheckPhase phase, BugCheckReasonCallbackRecord record, int index) =>
        new(phase, record.Reason, record.Component ?? string.Empty, index, _calls[(int)record.Reason][index], record, null);

    private static CallSite ClassicSite(BugCheckCallbackRecord record, int index) =>
        new(BugCheckPhase.Classic, null, record.Component ?? string.Empty, index, 1, null, record);

    /// <summary>The outcome so far: the whole bug check once <see cref="Run"/> returned, or up to the call a hang abandoned.</summary>
    public BugCheckOutcome BuildOutcome()
    {
        var records = new List<RecordOutcome>();
        for (var reason = 1; reason < ReasonCount; reason++)
        {
            var list = _snapshot.GetCallbacks((BugCheckCallbackReason)reason);
            for (var i = 0; i < list.Length; i++)
            {
                records.Add(new RecordOutcome((BugCheckCallbackReason)reason, list[i].Component ?? string.Empty, i, _calls[reason][i], list[i].State)
                {
                    Record = list[i],
                    Address = _kernel?.AddressOf(list[i]) ?? 0,
                    StateInDump = _kernel?.StateInDump(list[i]),
                });
            }
        }

        var classic = _snapshot.ClassicCallbacks;
        for (var i = 0; i < classic.Length; i++)
        {
            records.Add(new RecordOutcome(null, classic[i].Component ?? string.Empty, i, _classicCalls[i], classic[i].State)
            {
                ClassicRecord = classic[i],
                Address = _kernel?.AddressOf(classic[i]) ?? 0,
                StateInDump = _kernel?.StateInDump(classic[i]),
            });
        }

        return new BugCheckOutcome
        {
            BugCheck = _request.BugCheck,
            DisplayedStopCode = _displayedStopCode,
            DumpType = _request.DumpType,
            PageSize = X64Paging.PageSize,
            Invocations = _invocations.ToArray(),
            TotalCalls = _totalCalls,
            Violations = _violations.ToArray(),
            Inconclusive = _inconclusive.ToArray(),
            Blobs = [.. _region.Blobs],
            Shortfalls = [.. _secondary.Shortfalls],
            BodyRanges = _bodyRanges.ToArray(),
            TriageBlocks = [.. _triage.Blocks],
            Records = records.ToArray(),
            Kernel = _kernel?.IsRendered == true ? _kernel.Info() : null,
        };
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    internal readonly record struct CallSite(
        BugCheckPhase Phase,
        BugCheckCallbackReason? Reason,
        string Component,
        int Index,
        int CallNumber,
        BugCheckReasonCallbackRecord? Record,
        BugCheckCallbackRecord? ClassicRecord);


    /// <summary>Which protocol a walk runs: it says how to prepare each call and what to check after it.</summary>
    /// <summary>The simulation's hook into the engine's classic walk.</summary>
    private readonly struct ClassicObserver(BugCheckRun run) : IClassicDispatchObserver
    {
        public void BeforeCall(BugCheckCallbackRecord record, int position) => run.BeforeClassicCall(record, position);

        public void AfterCall(BugCheckCallbackRecord record, int position, Exception? exception) => run.AfterClassicCall(record, position, exception);
    }

    /// <summary>The simulation's hook into the dispatch engine: a struct that forwards to the run, so it allocates nothing.</summary>
    private readonly struct RunObserver(BugCheckRun run, IReasonProtocol protocol) : IDispatchObserver
    {
        public ReasonCallbackData? BeforeCall(BugCheckReasonCallbackRecord record, int position, int call) => run.BeforeCall(protocol, record, position, call);

        public bool AfterCall(BugCheckReasonCallbackRecord record, int position, int call, Exception? exception, BufferDumpState state) =>
            run.AfterCall(protocol, record, position, call, exception, state);
    }
}
