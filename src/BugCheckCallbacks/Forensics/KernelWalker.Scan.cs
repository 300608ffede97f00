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
            _dump.ReadPhysical(DumpFile.AddressOfPage(frame), next);
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
    /// The heads the carved records lead to. From each record not yet on a walked list, Flinks are followed (each entry once
    /// in all, at most <see cref="KernelWalkerOptions.MaxListEntries"/>). When they close a cycle, the head is the entry on
    /// it that is not a carved record (whose checksum holds); when several are not — the head and tampered records — the
    /// one inside the kernel's image (heads are the kernel's globals), else the one that does not look like a record. The
    /// head's own bytes are never trusted to look unlike a record: the kernel data after it (a stop code, Parameter 1 = 3)
    /// can read as a record's Reason and State. A walk that does not close a cycle (a link that cannot be read) falls back
    /// to the first entry that is not record-shaped. Each head is found once; its kind follows from the record.
    /// </summary>
    private IEnumerable<(ulong Head, CallbackListKind Kind)> CarvedHeads(KernelScan scan, HashSet<ulong> onLists)
    {
        var found = new HashSet<ulong>();
        var carved = scan.Records.Select(r => r.Address).ToHashSet();
        var visited = new HashSet<ulong>(); // every entry followed once in all: a 100,000-record list costs 100,000 steps
        var path = new List<ulong>();
        var node = new byte[ClassicRecord.Size];
        foreach (var record in scan.Records)
        {
            if (onLists.Contains(record.Address) || visited.Contains(record.Address))
            {
                continue;
            }

            path.Clear();
            var cycleStart = -1;
            for (var current = record.Address; visited.Count < _options.MaxListEntries && visited.Add(current);)
            {
                path.Add(current);
                if (_dump.ReadVirtual(current, node.AsSpan(0, ListEntrySize)) < ListEntrySize)
                {
                    break;
                }

                var next = U64(node, 0);
                if (next == 0)
                {
                    break;
                }

                if (visited.Contains(next))
                {
                    cycleStart = path.IndexOf(next); // −1: it joins a list an earlier walk followed
                    break;
                }

                current = next;
            }

            var head = cycleStart >= 0 ? HeadOfCycle(path.GetRange(cycleStart, path.Count - cycleStart), carved, record.IsClassic, node) : FirstNotRecordShaped(path, record.IsClassic, node);
            if (head is { } h && found.Add(h))
            {
                yield return (h, record.IsClassic ? CallbackListKind.Classic : IsPageReason(record.Reason) ? CallbackListKind.AddRemovePages : CallbackListKind.Reason);
            }
        }
    }

    /// <summary>The head of a closed list: its one entry that is not a carved record; of several, the kernel's, else the one not record-shaped.</summary>
    private ulong? HeadOfCycle(List<ulong> cycle, HashSet<ulong> carved, bool classic, byte[] node)
    {
        var candidates = cycle.Where(a => !carved.Contains(a)).ToList();
        if (candidates.Count <= 1)
        {
            return candidates.Count == 1 ? candidates[0] : null; // every entry a record: no head to name
        }

        var modules = ReadModules().Modules;
        var kernel = modules.Count > 0 ? modules[0] : null;
        var inKernel = kernel is null ? [] : candidates.Where(kernel.Contains).ToList();
        return inKernel.Count == 1 ? inKernel[0] : FirstNotRecordShaped(candidates, classic, node, startAt: 0) ?? candidates[0];
    }

    /// <summary>The first entry of <paramref name="entries"/> (from the second, the first being a carved record) whose bytes do not look like a record.</summary>
    private ulong? FirstNotRecordShaped(List<ulong> entries, bool classic, byte[] node, int startAt = 1)
    {
        for (var i = startAt; i < entries.Count; i++)
        {
            Array.Clear(node);
            if (_dump.ReadVirtual(entries[i], node) < ListEntrySize)
            {
                return null;
            }

            if (!RecordShaped(node, classic))
            {
                return entries[i];
            }
        }

        return null;
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
