using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private readonly BodyRangeSet _body = new();
    private readonly List<PageRange> _bodyRanges = [];

    private PageRangeData? _pageData;
    private PageRange? _lastRange; // the range the last page call got accepted, if any: what a single call reports

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
        _lastRange = result.Exception is null ? ApplyPageRange(site, data, add: protocol == Protocol.AddPages) : null;
        Log(site, InvocationPass.None, null, result, (long)((_lastRange?.PageCount ?? 0) * X64Paging.PageSize), state);
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

    /// <summary>Checks a page call's range and adds it to (or removes it from) the body; returns its whole pages, or null when it was refused.</summary>
    private PageRange? ApplyPageRange(CallSite site, PageRangeData data, bool add)
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
            return null;
        }

        if (data.Count == 0)
        {
            Violate(site, ViolationKind.ZeroPageCount, Invariant($"Count is 0 at {addressSpace} 0x{data.Address:X}."));
            return null;
        }

        // The kernel writes whole pages: the page holding Address is the first one.
        var pageSize = (ulong)X64Paging.PageSize;
        var firstPage = data.Address / pageSize;
        if (data.Count > ulong.MaxValue / pageSize || !_options.MemoryMap.Contains(addressSpace, firstPage * pageSize, data.Count * pageSize))
        {
            Violate(site, ViolationKind.RangeOutsideMemoryMap, Invariant($"{addressSpace} 0x{data.Address:X}, {data.Count} pages is not in the memory map."));
            return null;
        }

        if (add)
        {
            _body.Add(addressSpace, firstPage, data.Count);
        }
        else
        {
            _body.Remove(addressSpace, firstPage, data.Count);
        }

        return new PageRange(addressSpace, firstPage * pageSize, data.Count);
    }
}
