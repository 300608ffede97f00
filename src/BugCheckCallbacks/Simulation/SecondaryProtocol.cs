namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The SecondaryDumpData protocol of one bug check: a sizing pass before the header (OutBuffer empty), which reserves
/// in the region what each callback asks for within the budget, and a data pass after the body, which offers each
/// callback exactly what it reserved; every callback offered less than it asked is a shortfall, and an over-ask that
/// leaves another short is reported where it happened.
/// </summary>
internal sealed class SecondaryProtocol(BugCheckRun run, SecondaryRegion region)
{
    private readonly List<SecondaryDataShortfall> _shortfalls = [];
    private uint[] _reservations = []; // per record: the data bytes its sizing answer reserved
    private int[] _shortfallAt = []; // per record: its entry in _shortfalls, or −1
    private (BugCheckRun.CallSite Site, uint Asked, uint Offered, bool Accused)? _overAsker; // the sizing pass's first answer above MaximumAllowed

    /// <summary>Gets the structure both passes hand over; null when no SecondaryDumpData callback is registered.</summary>
    public SecondaryDumpData? Data { get; private set; }

    private SimulationOptions Options => run.Options;

    /// <summary>Gets the sizing pass, as the run drives it.</summary>
    public IReasonProtocol Sizing => field ??= new Pass(this, sizing: true);

    /// <summary>Gets the data pass, as the run drives it.</summary>
    public IReasonProtocol DataPass => field ??= new Pass(this, sizing: false);

    /// <summary>Gets the callbacks offered less than they asked for, with why.</summary>
    public IReadOnlyList<SecondaryDataShortfall> Shortfalls => _shortfalls;

    /// <summary>A bug check's sizing pass starts for <paramref name="records"/> callbacks.</summary>
    public void Start(int records, int inBufferSize)
    {
        Data = new SecondaryDumpData(inBufferSize);
        _reservations = new uint[records];
        _shortfallAt = new int[records];
        Array.Fill(_shortfallAt, -1);
    }

    /// <summary>One call on its own: the structure the caller built, as the kernel would hand it over.</summary>
    public void Adopt(SecondaryDumpData data) => Data = data;

    /// <summary>Before a sizing call: MaximumAllowed is what the budget has left.</summary>
    public SecondaryDumpData PrepareSizing(ulong budget)
    {
        Data!.PrepareSizeQuery(SecondaryRegion.Allowance(budget, region.Size));
        return Data;
    }

    /// <summary>Before a data call: MaximumAllowed is what the callback's sizing answer reserved (or, when told to ignore the answers, what the region has left).</summary>
    public SecondaryDumpData PrepareData(int position, bool ignoreSizingAnswers)
    {
        Data!.PrepareDataCall(ignoreSizingAnswers ? SecondaryRegion.Allowance(region.Size, region.Used) : _reservations[position]);
        return Data;
    }

    /// <summary>
    /// A sizing call: what it asks for is reserved, up to the MaximumAllowed it was offered (the kernel cannot reserve
    /// more than the budget has left); the data pass then offers it exactly what was reserved.
    /// </summary>
    public void ConcludeSizing(BugCheckRun.CallSite site, BugCheckRun.CallResult result, BufferDumpState state)
    {
        var data = Data!;
        run.Log(site, InvocationPass.Sizing, null, result, data.OutBufferLength, state);
        if (result.Exception is null && site.Index < _reservations.Length) // a single sizing call reserves nothing: there is no dump
        {
            var (asked, offered) = (data.OutBufferLength, data.MaximumAllowed);
            var reserved = Math.Min(asked, offered);
            _reservations[site.Index] = reserved;
            region.Size += reserved == 0 ? 0 : SecondaryRegion.BlobHeaderSize + SecondaryRegion.Align(reserved);
            NoteSizing(site, asked, offered);
        }
    }

    /// <summary>A data call: its output checked and written as one blob.</summary>
    public void ConcludeData(BugCheckRun.CallSite site, BugCheckRun.CallResult result, BufferDumpState state) =>
        region.LogAndWrite(site, InvocationPass.Data, result, Data!, state, this);

    /// <summary>
    /// A data call whose reservation another callback's over-ask cut, when it writes no more than its sizing answer: its
    /// shortfall says the data was dropped, and it is not accused. False for any other call.
    /// </summary>
    public bool DropIfShortBecauseOfAnother(BugCheckRun.CallSite site, uint length)
    {
        if (site.Index >= _shortfallAt.Length || _shortfallAt[site.Index] is not (>= 0 and var at) || _shortfalls[at].CausedBy is null || length > _shortfalls[at].Asked)
        {
            return false;
        }

        _shortfalls[at] = _shortfalls[at] with { Why = FormattableString.Invariant($"{_shortfalls[at].Why} Its 0x{length:X} bytes were dropped.") };
        return true;
    }

    /// <summary>
    /// Reports a sizing answer the kernel could not reserve, where it happens. An answer above MaximumAllowed is not a
    /// breach by itself (a callback may answer its size and check MaximumAllowed in the data pass), but the kernel gives it
    /// all that is left: when that leaves a callback sized after it short, the over-ask is what broke the budget, and it is
    /// reported at the over-asker's sizing call (BCV0004, naming it and whom it left short) — once; the callbacks left
    /// short are not accused, their shortfalls name the cause. Every callback offered less than it asked, or nothing at
    /// all, is in <see cref="BugCheckOutcome.Shortfalls"/>, so no data goes missing without a word.
    /// </summary>
    private void NoteSizing(BugCheckRun.CallSite site, uint asked, uint offered)
    {
        string why;
        if (asked > offered && _overAsker is null)
        {
            _overAsker = (site, asked, offered, false);
            why = FormattableString.Invariant($"Its sizing answer exceeded MaximumAllowed: it was reserved the 0x{offered:X} bytes the budget (SimulationOptions.SecondaryDataBudget) had left.");
        }
        else if (_overAsker is { } first && (asked > offered || offered == 0))
        {
            why = FormattableString.Invariant($"{first.Site.Component} asked for more than MaximumAllowed before it and was given what was left of the budget: this callback was offered 0x{offered:X}.");
            if (!first.Accused)
            {
                _overAsker = first with { Accused = true };
                run.Violate(first.Site, ViolationKind.OutputExceedsMaximumAllowed, FormattableString.Invariant($"The size query's answer 0x{first.Asked:X} exceeds MaximumAllowed 0x{first.Offered:X}; the kernel reserved the 0x{first.Offered:X} bytes it had left, so {site.Component}, sized after it, was offered 0x{offered:X} of the 0x{asked:X} it asked for (the outcome's shortfalls list every callback it left short)."), first.Offered);
            }
        }
        else if (offered == 0)
        {
            why = "The budget (SimulationOptions.SecondaryDataBudget) had no room left when it was called: the callbacks sized before it took it all.";
        }
        else
        {
            return;
        }

        _shortfallAt[site.Index] = _shortfalls.Count;
        _shortfalls.Add(new SecondaryDataShortfall(site.Component, asked, offered, why, _overAsker is { } cause && cause.Site.Index != site.Index ? cause.Site.Component : null));
    }

    /// <summary>One of the two passes: the same structure, prepared and concluded the pass's way, one call each.</summary>
    private sealed class Pass(SecondaryProtocol protocol, bool sizing) : IReasonProtocol
    {
        public BugCheckPhase Phase => sizing ? BugCheckPhase.SecondaryDataSizing : BugCheckPhase.SecondaryData;

        public ReasonCallbackData? Data => protocol.Data;

        public ReasonCallbackData? Prepare(int position, int call) => sizing
            ? protocol.PrepareSizing(protocol.Options.SecondaryDataBudget)
            : protocol.PrepareData(position, protocol.Options.IgnoreSizingAnswers);

        public bool Conclude(BugCheckRun.CallSite site, int call, BugCheckRun.CallResult result, BufferDumpState state)
        {
            if (sizing)
            {
                protocol.ConcludeSizing(site, result, state);
            }
            else
            {
                protocol.ConcludeData(site, result, state);
            }

            return false;
        }
    }
}
