namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The TriageDumpData protocol of one bug check: one call per callback with <c>KBUGCHECK_TRIAGE_DUMP_DATA</c>, and
/// the blocks of the array each returns checked against the memory map and the <c>MaxVirtMemSize</c> budget, and kept.
/// </summary>
internal sealed class TriageProtocol(BugCheckRun run) : IReasonProtocol
{
    private readonly List<TriageBlockInfo> _blocks = [];

    /// <summary>Gets the structure every call is handed: the kernel's inputs, and the DataArray the callback sets.</summary>
    public TriageDumpData? Data { get; private set; }

    /// <inheritdoc/>
    public BugCheckPhase Phase => BugCheckPhase.TriageDumpData;

    /// <inheritdoc/>
    ReasonCallbackData? IReasonProtocol.Data => Data;

    /// <summary>Gets the blocks accepted so far, in call order.</summary>
    public IReadOnlyList<TriageBlockInfo> Blocks => _blocks;

    /// <summary>A bug check's structure: only DataArray is the callback's to set; the inputs stay as the kernel wrote them.</summary>
    public void Start(uint maxVirtMemSize, BugCheckParameters bugCheck) => Data = new TriageDumpData
    {
        Flags = TriageDumpDataFlags.BugCheckActive,
        MaxVirtMemSize = maxVirtMemSize,
        BugCheck = bugCheck,
    };

    /// <summary>One call on its own: the structure the caller built, as the kernel would hand it over.</summary>
    public void Adopt(TriageDumpData data) => Data = data;

    /// <summary>Before a call: the array is the callback's to set, so it starts null.</summary>
    public ReasonCallbackData? Prepare(int position, int call)
    {
        Data!.DataArray = null;
        return Data;
    }

    /// <summary>After a call: the blocks of the array it set, when it returned; logged with the bytes accepted. One call each.</summary>
    public bool Conclude(BugCheckRun.CallSite site, int call, BugCheckRun.CallResult result, BufferDumpState state)
    {
        var accepted = result.Exception is null && Data!.DataArray is { } array ? Accept(site, array) : 0UL;
        run.Log(site, InvocationPass.None, null, result, (long)accepted, state);
        return false;
    }

    private ulong Accept(BugCheckRun.CallSite site, TriageDumpDataArray array)
    {
        if (array.FailedAdds > 0)
        {
            run.Violate(site, ViolationKind.TriageArrayOverflow, Invariant($"{array.FailedAdds} KeAddTriageDumpDataBlock call(s) failed; the array holds {array.NumBlocksUsed} of {array.NumBlocksTotal} blocks, {array.DataSize} of {array.MaxDataSize} bytes."));
        }

        var total = 0UL;
        var overBudget = false;
        foreach (var block in array.Blocks)
        {
            if (!run.Options.MemoryMap.Contains(AddressSpace.Virtual, block.Address, block.Size))
            {
                run.Violate(site, ViolationKind.RangeOutsideMemoryMap, Invariant($"Triage block 0x{block.Address:X} + 0x{block.Size:X} is not in virtual memory."));
                continue;
            }

            if (block.Size > Data!.MaxVirtMemSize - total)
            {
                overBudget = true;
                continue;
            }

            total += block.Size;
            _blocks.Add(new TriageBlockInfo(site.Component, block.Address, block.Size) { Record = site.Record });
        }

        if (overBudget)
        {
            run.Violate(site, ViolationKind.TriageBlocksExceedMaxVirtMemSize, Invariant($"The blocks add up to 0x{array.DataSize:X} bytes; MaxVirtMemSize is 0x{Data!.MaxVirtMemSize:X}. Blocks past it were dropped."));
        }

        return total;
    }

    private static string Invariant(FormattableString text) => FormattableString.Invariant(text);
}
