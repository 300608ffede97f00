namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private readonly List<TriageBlockInfo> _triageBlocks = [];

    private TriageDumpData? _triageData;

    /// <summary>One call per TriageDumpData callback; the blocks of the array it returns are checked and kept.</summary>
    private void RunTriage()
    {
        // Only DataArray is the callback's to set; the inputs stay as the kernel wrote them.
        _triageData = new TriageDumpData
        {
            Flags = TriageDumpDataFlags.BugCheckActive,
            MaxVirtMemSize = _options.TriageMaxVirtMemSize,
            BugCheck = _request.BugCheck,
        };
        Walk(BugCheckCallbackReason.TriageDumpData, Protocol.Triage, finish: true);
    }

    private ulong AcceptTriageBlocks(CallSite site, TriageDumpDataArray array)
    {
        if (array.FailedAdds > 0)
        {
            Violate(site, ViolationKind.TriageArrayOverflow, Invariant($"{array.FailedAdds} KeAddTriageDumpDataBlock call(s) failed; the array holds {array.NumBlocksUsed} of {array.NumBlocksTotal} blocks, {array.DataSize} of {array.MaxDataSize} bytes."));
        }

        var total = 0UL;
        var overBudget = false;
        foreach (var block in array.Blocks)
        {
            if (!_options.MemoryMap.Contains(AddressSpace.Virtual, block.Address, block.Size))
            {
                Violate(site, ViolationKind.RangeOutsideMemoryMap, Invariant($"Triage block 0x{block.Address:X} + 0x{block.Size:X} is not in virtual memory."));
                continue;
            }

            if (block.Size > _triageData!.MaxVirtMemSize - total)
            {
                overBudget = true;
                continue;
            }

            total += block.Size;
            _triageBlocks.Add(new TriageBlockInfo(site.Component, block.Address, block.Size) { Record = site.Record });
        }

        if (overBudget)
        {
            Violate(site, ViolationKind.TriageBlocksExceedMaxVirtMemSize, Invariant($"The blocks add up to 0x{array.DataSize:X} bytes; MaxVirtMemSize is 0x{_triageData!.MaxVirtMemSize:X}. Blocks past it were dropped."));
        }

        return total;
    }
}
