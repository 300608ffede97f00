namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private readonly BodyRangeSet _body = new();
    private readonly List<PageRange> _bodyRanges = [];

    /// <summary>
    /// The AddPages / RemovePages repeat protocol: Context zero on the first call and kept after, Flags zeroed on every
    /// entry, exactly one of VIRTUAL/PHYSICAL, ADDITIONAL_RANGES_EXIST to be called again, cut at the call budget.
    /// </summary>
    private void RunPageProtocol(BugCheckCallbackReason reason, PageRangeData data)
    {
        var phase = reason == BugCheckCallbackReason.AddPages ? BugCheckPhase.AddPages : BugCheckPhase.RemovePages;
        var records = _snapshot.GetCallbacks(reason);
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            data.PrepareFirstCall(_request.BugCheckCode);
            for (var callNumber = 1; ; callNumber++)
            {
                if (callNumber > 1)
                {
                    data.PrepareNextCall();
                }

                if (!TryCall(reason, record, i, data, finishOnReturn: false, out var call))
                {
                    break; // deregistered itself, or faulted on an earlier call
                }

                var site = Site(phase, reason, record, i);
                var bytes = call.Exception is null ? ApplyPageRange(site, data, add: reason == BugCheckCallbackReason.AddPages) : 0;
                Log(site, InvocationPass.None, null, call, (long)bytes, record.State);
                if (call.Exception is not null || (data.Flags & PageRangeFlags.AdditionalRangesExist) == 0)
                {
                    break;
                }

                if (callNumber == _options.RepeatCallBudget)
                {
                    Violate(site, ViolationKind.RepeatProtocolNeverEnds, Invariant($"ADDITIONAL_RANGES_EXIST was still set after {callNumber} calls."));
                    break;
                }
            }
        }

        FinishReason(reason);
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
