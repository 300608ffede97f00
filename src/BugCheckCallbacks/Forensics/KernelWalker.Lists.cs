using System.Buffers.Binary;
using System.Globalization;
using BugCheckCallbacks.Dump;
using static BugCheckCallbacks.Dump.KernelStructures;

namespace BugCheckCallbacks.Forensics;

public sealed partial class KernelWalker
{
    /// <summary>
    /// Reads the bug-check callback lists: from the heads the caller gives, the classic list from the KDBG block, and
    /// every list carving finds (records whose checksum holds, linked to a head); then the carved records on no list.
    /// </summary>
    /// <param name="heads">List heads the caller knows (symbol addresses), or null.</param>
    /// <returns>Every list found, its records with their verdicts, and the unlinked records.</returns>
    /// <exception cref="InvalidDumpException">The file ends inside a page it claims to store.</exception>
    public CallbackScan ReadCallbackLists(IReadOnlyDictionary<CallbackListKind, ulong>? heads = null)
    {
        var lists = new List<CallbackListInfo>();
        var notes = new List<string>();
        var walked = new HashSet<ulong>();
        var onLists = new HashSet<ulong>(); // every record a walk read, so that carving neither walks its list again nor calls it unlinked
        foreach (var (kind, head) in heads ?? new Dictionary<CallbackListKind, ulong>())
        {
            notes.Add($"The {kind} list's head 0x{head:X16} was given.");
            Walk(kind, head, CallbackListSource.Caller);
        }

        if (FindDebuggerData().Block is { KeBugCheckCallbackListHead: not 0 } block && !walked.Contains(block.KeBugCheckCallbackListHead))
        {
            notes.Add($"The KDBG block names the Classic list's head, 0x{block.KeBugCheckCallbackListHead:X16}.");
            Walk(CallbackListKind.Classic, block.KeBugCheckCallbackListHead, CallbackListSource.DebuggerData);
        }

        var scan = Scan();
        foreach (var (head, kind) in CarvedHeads(scan, onLists))
        {
            if (!walked.Contains(head))
            {
                notes.Add($"Carving found the {kind} list's head at 0x{head:X16}.");
                Walk(kind, head, CallbackListSource.Carved);
            }
        }

        notes.Add($"Carving scanned {scan.PagesScanned} mapped pages and found {scan.Records.Count} records whose checksum holds{(scan.Exhausted ? " (the scan stopped at its budget)" : string.Empty)}.");
        var unlinked = scan.Records.Where(c => !onLists.Contains(c.Address)).Select(c => Unlinked(c)).ToArray();
        return new CallbackScan([.. lists.OrderBy(l => l.Kind)], unlinked, notes); // stable: within a kind, in the order found

        void Walk(CallbackListKind kind, ulong head, CallbackListSource source)
        {
            walked.Add(head);
            if (!CanRead(head, ListEntrySize))
            {
                // Absent is not tampered: a small memory dump holds no list head, and a kernel dump may lack its page.
                notes.Add($"The {kind} list's head 0x{head:X16} is not in the dump{(_dump.Layout == DumpBodyLayout.Triage ? " (a small memory dump holds only the blocks it copied)" : string.Empty)}: its records cannot be walked.");
                return;
            }

            var walk = WalkList(head, kind == CallbackListKind.Classic ? ClassicRecord.Size : ReasonRecord.Size);
            if (walk.Gap is { } gap)
            {
                notes.Add($"The {kind} list: {gap}");
            }

            var records = walk.Nodes.Select(n => ReadRecord(n.Address, n.Bytes, kind, n.BrokenLink)).ToArray();
            lists.Add(new CallbackListInfo(kind, head, source, records, walk.Findings));
            onLists.UnionWith(records.Select(r => r.Address));
        }
    }

    private CallbackRecordInfo Unlinked(CarvedRecord carved)
    {
        Span<byte> bytes = stackalloc byte[ClassicRecord.Size];
        var size = carved.IsClassic ? ClassicRecord.Size : ReasonRecord.Size;
        _dump.ReadVirtual(carved.Address, bytes[..size]);
        var record = ReadRecord(carved.Address, bytes[..size].ToArray(), carved.IsClassic ? CallbackListKind.Classic : null, brokenLink: false) with { List = null };
        if (record.State == (byte)BufferDumpState.Empty)
        {
            return record; // deregistered: its memory stays, off every list, as the kernel leaves it
        }

        var hidden = new IntegrityFinding(IntegrityFindingKind.NotOnList, carved.Address, $"The {record.ReasonName} record at 0x{carved.Address:X16} has a valid checksum and state {record.StateName} but is on no list: it was unlinked (hidden).");
        return record with { Findings = [hidden, .. record.Findings] };
    }

    /// <summary>Whether <paramref name="length"/> bytes at <paramref name="address"/> are in the dump.</summary>
    private bool CanRead(ulong address, int length)
    {
        Span<byte> bytes = stackalloc byte[length];
        return X64Paging.IsCanonical(address) && _dump.ReadVirtual(address, bytes) == length;
    }

    /// <summary>Walks a <c>LIST_ENTRY</c> list from its head, reading <paramref name="nodeSize"/> bytes of every entry; bounded.</summary>
    /// <remarks>
    /// In a small memory dump, which holds only the blocks it copied, an entry it does not hold ends the walk with
    /// <c>Gap</c> saying so, not with a finding: absent is not tampered.
    /// </remarks>
    private (List<(ulong Address, byte[] Bytes, bool BrokenLink)> Nodes, List<IntegrityFinding> Findings, string? Gap) WalkList(ulong head, int nodeSize)
    {
        var nodes = new List<(ulong, byte[], bool)>();
        var findings = new List<IntegrityFinding>();
        Span<byte> links = stackalloc byte[ListEntrySize];
        if (!X64Paging.IsCanonical(head) || _dump.ReadVirtual(head, links) != ListEntrySize)
        {
            return (nodes, findings, null); // the caller checked the head: only a file that changes under it gets here
        }

        var seen = new HashSet<ulong> { head };
        var previous = head;
        var node = U64(links, 0);
        while (node != head)
        {
            if (nodes.Count >= _options.MaxListEntries)
            {
                findings.Add(new IntegrityFinding(IntegrityFindingKind.TooLong, node, $"The list goes on past {_options.MaxListEntries} entries; the walk stopped at 0x{node:X16}."));
                break;
            }

            if (!seen.Add(node))
            {
                findings.Add(new IntegrityFinding(IntegrityFindingKind.Loop, node, $"The entry after 0x{previous:X16} is 0x{node:X16}, already seen: the list loops without coming back to its head."));
                break;
            }

            var bytes = new byte[nodeSize];
            if (!X64Paging.IsCanonical(node) || _dump.ReadVirtual(node, bytes) != nodeSize)
            {
                if (X64Paging.IsCanonical(node) && _dump.Layout == DumpBodyLayout.Triage)
                {
                    return (nodes, findings, $"The entry after 0x{previous:X16} is 0x{node:X16}, which this small memory dump does not hold: the walk stops there.");
                }

                findings.Add(new IntegrityFinding(IntegrityFindingKind.UnreadableEntry, node, $"The entry after 0x{previous:X16} is 0x{node:X16}, which cannot be read: the walk stops there."));
                break;
            }

            nodes.Add((node, bytes, U64(bytes, 8) != previous));
            previous = node;
            node = U64(bytes, 0);
        }

        return (nodes, findings, null);
    }

    /// <summary>Reads one record (classic on the classic list, else a reason record) and gives its verdicts.</summary>
    private CallbackRecordInfo ReadRecord(ulong address, byte[] bytes, CallbackListKind? list, bool brokenLink)
    {
        var findings = new List<IntegrityFinding>();
        if (brokenLink)
        {
            findings.Add(BrokenLinkFinding(address));
        }

        var classic = list == CallbackListKind.Classic;
        var routine = U64(bytes, classic ? ClassicRecord.CallbackRoutine : ReasonRecord.CallbackRoutine);
        var componentAddress = U64(bytes, classic ? ClassicRecord.Component : ReasonRecord.Component);
        var checksum = U64(bytes, classic ? ClassicRecord.Checksum : ReasonRecord.Checksum);
        var reason = classic ? 0 : BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(ReasonRecord.Reason));
        var buffer = classic ? U64(bytes, ClassicRecord.Buffer) : 0;
        var length = classic ? BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(ClassicRecord.Length)) : 0;
        var expected = classic ? unchecked(routine + buffer + length + componentAddress) : unchecked(routine + (ulong)(long)reason + componentAddress);
        var record = new CallbackRecordInfo
        {
            Address = address,
            List = list,
            IsClassic = classic,
            Reason = reason,
            ReasonName = classic ? "Classic" : BugCheckReasons.IsDefined((BugCheckCallbackReason)reason) ? BugCheckReasons.Get((BugCheckCallbackReason)reason).NativeName : reason.ToString(CultureInfo.InvariantCulture),
            Routine = routine,
            RoutineModule = ModuleAt(routine),
            ComponentAddress = componentAddress,
            Component = componentAddress == 0 ? null : ReadAscii(componentAddress),
            Buffer = buffer,
            Length = length,
            State = bytes[classic ? ClassicRecord.State : ReasonRecord.State],
            Checksum = checksum,
            ChecksumValid = expected == checksum,
            Findings = findings,
        };
        AddFindings(record, expected, findings);
        return record;
    }

    /// <summary>What in a record the kernel would not have written: its checksum, routine, component, reason, list and state.</summary>
    private void AddFindings(CallbackRecordInfo record, ulong expected, List<IntegrityFinding> findings)
    {
        var (address, classic, reason, list) = (record.Address, record.IsClassic, record.Reason, record.List);
        if (!record.ChecksumValid)
        {
            findings.Add(new IntegrityFinding(IntegrityFindingKind.ChecksumMismatch, address, $"Checksum 0x{record.Checksum:X16} is not the kernel's 0x{expected:X16} ({(classic ? "routine + buffer + length + component" : "routine + reason + component")})."));
        }

        if (record.RoutineModule is null)
        {
            findings.Add(new IntegrityFinding(IntegrityFindingKind.UnbackedRoutine, address, $"CallbackRoutine 0x{record.Routine:X16} is in no loaded module: code no image backs."));
        }

        var absent = _dump.Layout == DumpBodyLayout.Triage && record.ComponentAddress != 0 && X64Paging.IsCanonical(record.ComponentAddress);
        if (record.Component is null && !absent) // a small memory dump holds only the blocks it copied: a string it lacks is not a lie
        {
            findings.Add(new IntegrityFinding(IntegrityFindingKind.UnreadableComponent, address, $"Component 0x{record.ComponentAddress:X16} cannot be read."));
        }

        if (!classic && (!BugCheckReasons.IsDefined((BugCheckCallbackReason)reason) || reason == 0))
        {
            findings.Add(new IntegrityFinding(IntegrityFindingKind.InvalidReason, address, $"Reason {reason} is not a KBUGCHECK_CALLBACK_REASON a callback can be registered for."));
        }
        else if (list is CallbackListKind.Reason or CallbackListKind.AddRemovePages && IsPageReason(reason) != (list == CallbackListKind.AddRemovePages))
        {
            findings.Add(new IntegrityFinding(IntegrityFindingKind.WrongList, address, $"A {record.ReasonName} record is on the {list} list; Windows 10 and later keep {(IsPageReason(reason) ? "it on the AddRemovePages list" : "only AddPages and RemovePages records there")}."));
        }

        if (record.State > (byte)BufferDumpState.Incomplete)
        {
            findings.Add(new IntegrityFinding(IntegrityFindingKind.InvalidState, address, $"State {record.State} is not a KBUGCHECK_BUFFER_DUMP_STATE (0..4)."));
        }
    }

    private static bool IsPageReason(int reason) => reason is (int)BugCheckCallbackReason.AddPages or (int)BugCheckCallbackReason.RemovePages;
}
