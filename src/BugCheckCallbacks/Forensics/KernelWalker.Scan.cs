using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using static BugCheckCallbacks.Dump.KernelStructures;

namespace BugCheckCallbacks.Forensics;

public sealed partial class KernelWalker
{
    /// <summary>
    /// One pass over the memory the dump maps, cached: where the "KDBG" tag is, and every 8-aligned place that holds a
    /// record whose checksum holds (reason: routine + reason + component; classic: routine + buffer + length + component),
    /// with a defined reason and state, a routine and a component, and plausible links.
    /// </summary>
    private KernelScan Scan()
    {
        if (_scan is not null)
        {
            return _scan;
        }

        var exhausted = false;
        var budget = ((long)Math.Min(_dump.StoredPageCount, (ulong)int.MaxValue) * _options.ScanBudgetPerStoredPage) + 4096;
        var kdbg = new List<ulong>();
        var records = new List<CarvedRecord>();
        // Pages come in address order: each is scanned once the next has been read, so that a record crossing into the
        // next virtual page is seen whole (the tail is zero when the next page is not the adjacent one).
        const int PageSize = (int)X64Paging.PageSize;
        var window = new byte[PageSize + ClassicRecord.Size];
        var next = new byte[PageSize];
        var pages = 0L;
        ulong? held = null;
        foreach (var (address, frame) in VirtualPageWalker.MappedPages(_dump, budget, () => exhausted = true))
        {
            pages++;
            _dump.ReadPhysical(frame << X64Paging.PageShift, next);
            if (held is { } previous)
            {
                var tail = window.AsSpan(PageSize);
                if (address == previous + X64Paging.PageSize)
                {
                    next.AsSpan(0, tail.Length).CopyTo(tail);
                }
                else
                {
                    tail.Clear();
                }

                ScanPage(previous, window, kdbg, records);
            }

            next.CopyTo(window, 0);
            held = address;
        }

        if (held is { } last)
        {
            window.AsSpan(PageSize).Clear();
            ScanPage(last, window, kdbg, records);
        }

        return _scan = new KernelScan(kdbg, records, pages, exhausted);
    }

    private static void ScanPage(ulong address, byte[] window, List<ulong> kdbg, List<CarvedRecord> records)
    {
        var bytes = window.AsSpan();
        for (var offset = 0; offset < X64Paging.PageSize; offset += 8)
        {
            var at = bytes[offset..];
            if (BinaryPrimitives.ReadUInt32LittleEndian(at[Kdbg.OwnerTag..]) == Kdbg.Tag)
            {
                kdbg.Add(address + (ulong)offset);
            }

            if (IsReasonRecord(at))
            {
                records.Add(new CarvedRecord(address + (ulong)offset, IsClassic: false, BinaryPrimitives.ReadInt32LittleEndian(at[ReasonRecord.Reason..])));
            }
            else if (IsClassicRecord(at))
            {
                records.Add(new CarvedRecord(address + (ulong)offset, IsClassic: true, 0));
            }
        }
    }

    private static bool IsReasonRecord(ReadOnlySpan<byte> at)
    {
        var routine = U64(at, ReasonRecord.CallbackRoutine);
        var component = U64(at, ReasonRecord.Component);
        var reason = BinaryPrimitives.ReadInt32LittleEndian(at[ReasonRecord.Reason..]);
        return routine != 0 && component != 0 && reason is > 0 and <= (int)BugCheckCallbackReason.Reserved3 &&
            at[ReasonRecord.State] <= (byte)BufferDumpState.Incomplete && PlausibleLinks(at) &&
            U64(at, ReasonRecord.Checksum) == unchecked(routine + (ulong)reason + component);
    }

    private static bool IsClassicRecord(ReadOnlySpan<byte> at)
    {
        var routine = U64(at, ClassicRecord.CallbackRoutine);
        var component = U64(at, ClassicRecord.Component);
        var buffer = U64(at, ClassicRecord.Buffer);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(at[ClassicRecord.Length..]);
        return routine != 0 && component != 0 && at[ClassicRecord.State] <= (byte)BufferDumpState.Incomplete && PlausibleLinks(at) &&
            BinaryPrimitives.ReadUInt32LittleEndian(at[(ClassicRecord.Length + 4)..]) == 0 && // the padding after Length
            U64(at, ClassicRecord.Checksum) == unchecked(routine + buffer + length + component);
    }

    /// <summary>
    /// Both links canonical, 8-aligned and not null (a live record; a host library's records are in the user half), or
    /// both zero (a record the simulation deregistered).
    /// </summary>
    private static bool PlausibleLinks(ReadOnlySpan<byte> at)
    {
        var (flink, blink) = (U64(at, 0), U64(at, 8));
        return (flink == 0 && blink == 0) ||
            (flink != 0 && blink != 0 && ((flink | blink) & 7) == 0 && X64Paging.IsCanonical(flink) && X64Paging.IsCanonical(blink));
    }

    /// <summary>
    /// The heads the carved records lead to: from each record not yet on a walked list, Flinks are followed (each entry
    /// once in all, at most <see cref="KernelWalkerOptions.MaxListEntries"/>) to the first entry that is not record-shaped —
    /// a record-shaped entry whose checksum fails is a tampered record, not a head. Each head is found once; its kind
    /// follows from the record.
    /// </summary>
    private IEnumerable<(ulong Head, CallbackListKind Kind)> CarvedHeads(KernelScan scan, HashSet<ulong> onLists)
    {
        var found = new HashSet<ulong>();
        var visited = new HashSet<ulong>(); // every entry followed once in all: a 100,000-record list costs 100,000 steps
        var node = new byte[ClassicRecord.Size];
        foreach (var record in scan.Records)
        {
            if (onLists.Contains(record.Address))
            {
                continue;
            }

            for (var current = record.Address; visited.Count < _options.MaxListEntries && visited.Add(current);)
            {
                if (_dump.ReadVirtual(current, node.AsSpan(0, ListEntrySize)) < ListEntrySize)
                {
                    break;
                }

                var next = U64(node, 0);
                Array.Clear(node);
                if (next == 0 || _dump.ReadVirtual(next, node) < ListEntrySize)
                {
                    break;
                }

                if (!RecordShaped(node, record.IsClassic))
                {
                    if (found.Add(next))
                    {
                        yield return (next, record.IsClassic ? CallbackListKind.Classic : IsPageReason(record.Reason) ? CallbackListKind.AddRemovePages : CallbackListKind.Reason);
                    }

                    break;
                }

                current = next;
            }
        }
    }

    /// <summary>Whether an entry looks like a record of its kind whatever its checksum: a defined reason and state, a routine.</summary>
    private static bool RecordShaped(ReadOnlySpan<byte> node, bool classic)
    {
        if (node.Length < ClassicRecord.Size)
        {
            return false;
        }

        if (classic)
        {
            return U64(node, ClassicRecord.CallbackRoutine) != 0 && node[ClassicRecord.State] <= (byte)BufferDumpState.Incomplete &&
                BinaryPrimitives.ReadUInt32LittleEndian(node[(ClassicRecord.Length + 4)..]) == 0;
        }

        var reason = BinaryPrimitives.ReadInt32LittleEndian(node[ReasonRecord.Reason..]);
        return U64(node, ReasonRecord.CallbackRoutine) != 0 && reason is > 0 and <= (int)BugCheckCallbackReason.Reserved3 &&
            node[ReasonRecord.State] <= (byte)BufferDumpState.Incomplete && node[(ReasonRecord.State + 1)..ReasonRecord.Size].IndexOfAnyExcept((byte)0) < 0;
    }

    /// <summary>A record carving found: where, which layout, and its reason.</summary>
    private readonly record struct CarvedRecord(ulong Address, bool IsClassic, int Reason);

    /// <summary>What one pass over kernel memory found.</summary>
    private sealed record KernelScan(IReadOnlyList<ulong> DebuggerDataCandidates, IReadOnlyList<CarvedRecord> Records, long PagesScanned, bool Exhausted);
}
