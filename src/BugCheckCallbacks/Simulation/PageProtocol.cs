using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The AddPages / RemovePages repeat protocol of one bug check: Context zero on the first call and kept after, Flags
/// zeroed on every entry, exactly one of VIRTUAL/PHYSICAL, ADDITIONAL_RANGES_EXIST to be called again, cut at the call
/// budget; each accepted range added to (or removed from) the pages the dump's body holds.
/// </summary>
internal sealed class PageProtocol(BugCheckRun run) : IReasonProtocol
{
    /// <summary>Gets the pages the callbacks added to the body and took out of it.</summary>
    public BodyRangeSet Body { get; } = new();

    /// <summary>Gets the structure the calls are handed (<c>KBUGCHECK_ADD_PAGES</c>, or its RemovePages twin).</summary>
    public PageRangeData? Data { get; private set; }

    /// <inheritdoc/>
    public BugCheckPhase Phase => Data is RemovePagesData ? BugCheckPhase.RemovePages : BugCheckPhase.AddPages;

    /// <inheritdoc/>
    ReasonCallbackData? IReasonProtocol.Data => Data;

    /// <summary>Gets the range the last call got accepted, if any: what a single call reports.</summary>
    public PageRange? LastRange { get; private set; }

    /// <summary>A reason's walk starts with its own structure.</summary>
    public void Start(PageRangeData data) => Data = data;

    /// <summary>Before a call: Context zero on the first call, kept after; Flags zeroed on every entry.</summary>
    public ReasonCallbackData? Prepare(int position, int call)
    {
        if (call == 1)
        {
            Data!.PrepareFirstCall(run.BugCheck.Code);
        }
        else
        {
            Data!.PrepareNextCall();
        }

        return Data;
    }

    /// <summary>After a call: its range checked and applied, the call logged; true when it asks to be called again, within the budget.</summary>
    public bool Conclude(BugCheckRun.CallSite site, int call, BugCheckRun.CallResult result, BufferDumpState state)
    {
        var data = Data!;
        LastRange = result.Exception is null ? Apply(site, data, add: site.Phase == BugCheckPhase.AddPages) : null;
        run.Log(site, InvocationPass.None, null, result, (long)((LastRange?.PageCount ?? 0) * X64Paging.PageSize), state);
        if (result.Exception is not null || (data.Flags & PageRangeFlags.AdditionalRangesExist) == 0)
        {
            return false;
        }

        if (call == run.Options.RepeatCallBudget)
        {
            run.Violate(site, ViolationKind.RepeatProtocolNeverEnds, FormattableString.Invariant($"ADDITIONAL_RANGES_EXIST was still set after {call} calls."));
            return false;
        }

        return true;
    }

    /// <summary>Checks a page call's range and adds it to (or removes it from) the body; returns its whole pages, or null when it was refused.</summary>
    private PageRange? Apply(BugCheckRun.CallSite site, PageRangeData data, bool add)
    {
        var space = (data.Flags & (PageRangeFlags.VirtualAddress | PageRangeFlags.PhysicalAddress)) switch
        {
            PageRangeFlags.VirtualAddress => AddressSpace.Virtual,
            PageRangeFlags.PhysicalAddress => AddressSpace.Physical,
            _ => (AddressSpace?)null,
        };
        if (space is not { } addressSpace)
        {
            run.Violate(site, ViolationKind.InvalidAddressFlags, FormattableString.Invariant($"Flags 0x{(uint)data.Flags:X8} name {(data.Flags.HasFlag(PageRangeFlags.VirtualAddress) ? "both" : "neither")} of VIRTUAL_ADDRESS and PHYSICAL_ADDRESS."));
            return null;
        }

        if (data.Count == 0)
        {
            run.Violate(site, ViolationKind.ZeroPageCount, FormattableString.Invariant($"Count is 0 at {addressSpace} 0x{data.Address:X}."));
            return null;
        }

        // The kernel writes whole pages: the page holding Address is the first one.
        var pageSize = (ulong)X64Paging.PageSize;
        var firstPage = data.Address / pageSize;
        if (data.Count > ulong.MaxValue / pageSize || !run.Options.MemoryMap.Contains(addressSpace, firstPage * pageSize, data.Count * pageSize))
        {
            run.Violate(site, ViolationKind.RangeOutsideMemoryMap, FormattableString.Invariant($"{addressSpace} 0x{data.Address:X}, {data.Count} pages is not in the memory map."));
            return null;
        }

        if (add)
        {
            Body.Add(addressSpace, firstPage, data.Count);
        }
        else
        {
            Body.Remove(addressSpace, firstPage, data.Count);
        }

        return new PageRange(addressSpace, firstPage * pageSize, data.Count);
    }
}
