using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private readonly BodyRangeSet _body = new();
    private readonly List<PageRange> _bodyRanges = [];

    private PageRangeData? _pageData;

    /// <summary>
    /// The AddPages / RemovePages repeat protocol: Context zero on the first call and kept after, Flags zeroed on every
    /// entry, exactly one of VIRTUAL/PHYSICAL, ADDITIONAL_RANGES_EXIST to be called again, cut at the call budget.
    /// </summary>
    private void RunPageProtocol(BugCheckCallbackReason reason, PageRangeData data)
    {
        _pageData = data;
        Walk(reason, reason == BugCheckCallbackReason.AddPages ? Protocol.AddPages : Protocol.RemovePages, finish: false);
        FinishReason(reason);
    }

    private bool ConcludePageCall(Protocol protocol, BugCheckReasonCallbackRecord record, int position, int call, CallResult result, BufferDumpState state)
    {
        var data = _pageData!;
        var site = Site(protocol == Protocol.AddPages ? BugCheckPhase.AddPages : BugCheckPhase.RemovePages, record, position);
        var bytes = result.Exception is null ? ApplyPageRange(site, data, add: protocol == Protocol.AddPages) : 0;
        Log(site, InvocationPass.None, null, result, (long)bytes, state);
        if (result.Exception is not null || (data.Flags & PageRangeFlags.AdditionalRangesExist) == 0)
        {
            return false;
        }

        if (call == _options.RepeatCallBudget)
        {
            Violate(site, ViolationKind.RepeatProtocolNeverEnds, Invariant($"ADDITIONAL_RANGES_EXIST was still set after {call} calls."));
            return false;
        }

        return true;
    }

    private ulong ApplyPageRange(CallSite site, PageRangeData data, bool add)
    {
        var space = (data.Flags & (PageRangeFlags.VirtualAddress | PageRangeFlags.PhysicalAddress)) switch
        {
            PageRangeFlags.VirtualAddress => AddressSpace.Virtual,
            PageRangeFlags.PhysicalAddress => AddressSpace.Physical,
            _ => (AddressSpace?)null,
        };
        if (space is not { } addressSpace)
        {
            Violate(site, ViolationKind.InvalidAddressFlags, Invariant($"Flags 0x{(uint)data.Flags:X8} name {(data.Flags.HasFlag(PageRangeFlags.VirtualAddress) ? "both" : "neither")} of VIRTUAL_ADDRESS and PHYSICAL_ADDRESS."));
            return 0;
        }

        if (data.Count == 0)
        {
            Violate(site, ViolationKind.ZeroPageCount, Invariant($"Count is 0 at {addressSpace} 0x{data.Address:X}."));
            return 0;
        }

        // The kernel writes whole pages: the page holding Address is the first one.
        var pageSize = (ulong)SimulatedMemoryMap.PageSize;
        var firstPage = data.Address / pageSize;
        if (data.Count > ulong.MaxValue / pageSize || !_options.MemoryMap.Contains(addressSpace, firstPage * pageSize, data.Count * pageSize))
        {
            Violate(site, ViolationKind.RangeOutsideMemoryMap, Invariant($"{addressSpace} 0x{data.Address:X}, {data.Count} pages is not in the memory map."));
            return 0;
        }

        if (add)
        {
            _body.Add(addressSpace, firstPage, data.Count);
        }
        else
        {
            _body.Remove(addressSpace, firstPage, data.Count);
        }

        return data.Count * pageSize;
    }
}
