using System.Buffers.Binary;
using System.Text;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using static BugCheckCallbacks.Dump.KernelStructures;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class KernelMemory
{
    private readonly Dictionary<object, BufferDumpState> _states = new(ReferenceEqualityComparer.Instance);

    /// <summary>
    /// Writes the kernel's structures as they are now: the KDBG, the module list, and the three callback lists with every
    /// record that is still registered (a record that deregistered is in memory, Empty and unlinked). Records that live in
    /// a native driver's memory come back as patches over the driver's bytes, at the record's address.
    /// </summary>
    public List<(ulong Address, byte[] Bytes)> Render(BugCheckRequest request)
    {
        Array.Clear(_pool);
        Array.Clear(_kernelData);
        _states.Clear();
        var patches = new List<(ulong, byte[])>();
        var data = _kernelData.AsSpan();

        var kdbg = data[(int)KdbgOffset..];
        WriteU64(kdbg[Kdbg.List..], KdDebuggerDataBlock);
        WriteU64(kdbg[(Kdbg.List + 8)..], KdDebuggerDataBlock);
        BinaryPrimitives.WriteUInt32LittleEndian(kdbg[Kdbg.OwnerTag..], Kdbg.Tag);
        BinaryPrimitives.WriteUInt32LittleEndian(kdbg[Kdbg.Size..], Kdbg.BlockSize);
        WriteU64(kdbg[Kdbg.KernBase..], KernelBase);
        WriteU64(kdbg[Kdbg.PsLoadedModuleList..], PsLoadedModuleList);
        WriteU64(kdbg[Kdbg.PsActiveProcessHead..], PsActiveProcessHead);
        WriteU64(kdbg[Kdbg.KeBugCheckCallbackListHead..], KernelData + ClassicListOffset);
        WriteU64(kdbg[Kdbg.KiBugcheckData..], KernelData + BugCheckDataOffset);
        WriteU64(data[(int)ProcessListOffset..], PsActiveProcessHead); // an empty list points at itself
        WriteU64(data[((int)ProcessListOffset + 8)..], PsActiveProcessHead);

        // KiBugCheckData: the stop code and its parameters; KeBugCheckEx's fifth argument on the crashing thread's stack.
        ReadOnlySpan<ulong> stop = [request.BugCheckCode, request.BugCheckParameter1, request.BugCheckParameter2, request.BugCheckParameter3, request.BugCheckParameter4];
        for (var i = 0; i < stop.Length; i++)
        {
            WriteU64(data[((int)BugCheckDataOffset + (i * 8))..], stop[i]);
        }

        WriteU64(_pool.AsSpan((int)StackTopOffset + 0x28), request.BugCheckParameter4);
        _pool[UnbackedCodeOffset] = 0xC3;

        RenderModules();
        var tampering = new Dictionary<object, RecordTamperingKind>(ReferenceEqualityComparer.Instance);
        foreach (var t in _tampering)
        {
            tampering.TryAdd((object?)t.Record ?? t.ClassicRecord!, t.Kind);
        }

        RenderList(_reasonList, ReasonListOffset, tampering, patches);
        RenderList(_pagesList, PagesListOffset, tampering, patches);
        RenderList(_classicList, ClassicListOffset, tampering, patches);
        IsRendered = true;
        return patches;
    }

    private void RenderModules()
    {
        var count = _nameAddresses.Length;
        for (var i = 0; i < count; i++)
        {
            var entry = Pool(ModuleAddress(i), KldrEntry.Size);
            WriteU64(entry[KldrEntry.InLoadOrderLinks..], i + 1 < count ? ModuleAddress(i + 1) : PsLoadedModuleList);
            WriteU64(entry[(KldrEntry.InLoadOrderLinks + 8)..], i > 0 ? ModuleAddress(i - 1) : PsLoadedModuleList);
            var (base_, size) = (ModuleBase(i), ModuleSize(i));
            WriteU64(entry[KldrEntry.DllBase..], base_);
            WriteU64(entry[KldrEntry.EntryPoint..], i < _images.Length ? base_ + _images[i].TextOffset : base_);
            BinaryPrimitives.WriteUInt32LittleEndian(entry[KldrEntry.SizeOfImage..], (uint)Math.Min(size, uint.MaxValue));
            var (full, name) = ModuleNames(i);
            WriteString(entry[KldrEntry.FullDllName..], full, _nameAddresses[i].Full);
            WriteString(entry[KldrEntry.BaseDllName..], name, _nameAddresses[i].Base);
            BinaryPrimitives.WriteUInt16LittleEndian(entry[KldrEntry.LoadCount..], 1);
        }

        var head = _kernelData.AsSpan((int)ModuleListOffset);
        WriteU64(head, count > 0 ? ModuleAddress(0) : PsLoadedModuleList);
        WriteU64(head[8..], count > 0 ? ModuleAddress(count - 1) : PsLoadedModuleList);
    }

    private static ulong ModuleAddress(int module) => PoolAddress(ModulesOffset + ((ulong)module * KldrEntry.Size));

    private void WriteString(Span<byte> unicodeString, string text, ulong address)
    {
        var bytes = (ushort)(text.Length * 2);
        BinaryPrimitives.WriteUInt16LittleEndian(unicodeString[UnicodeString.Length..], bytes);
        BinaryPrimitives.WriteUInt16LittleEndian(unicodeString[UnicodeString.MaximumLength..], (ushort)(bytes + 2));
        WriteU64(unicodeString[UnicodeString.Buffer..], address);
        Encoding.Unicode.GetBytes(text, Pool(address, bytes));
    }

    /// <summary>Links the live records of one list behind its head and writes each record (tampered where asked).</summary>
    private void RenderList<T>(T[] records, uint headOffset, Dictionary<object, RecordTamperingKind> tampering, List<(ulong, byte[])> patches)
        where T : class
    {
        var head = KernelData + headOffset;
        var live = records.Where(r => StateOf(r) != BufferDumpState.Empty).ToArray();
        var visible = live.Where(r => tampering.GetValueOrDefault(r) != RecordTamperingKind.Hidden).ToArray();
        var visibleIndex = new Dictionary<object, int>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < visible.Length; i++)
        {
            visibleIndex[visible[i]] = i;
        }

        WriteU64(_kernelData.AsSpan((int)headOffset), visible.Length > 0 ? _addresses[visible[0]] : head);
        WriteU64(_kernelData.AsSpan((int)headOffset + 8), visible.Length > 0 ? _addresses[visible[^1]] : head);
        for (var i = 0; i < live.Length; i++)
        {
            var record = live[i];
            var kind = tampering.TryGetValue(record, out var k) ? k : (RecordTamperingKind?)null;
            ulong flink, blink;
            if (visibleIndex.TryGetValue(record, out var v))
            {
                flink = v + 1 < visible.Length ? _addresses[visible[v + 1]] : head;
                blink = v > 0 ? _addresses[visible[v - 1]] : head;
            }
            else
            {
                // Hidden: its own links still name the neighbours it had, as an unlink that bypasses it leaves them.
                flink = i + 1 < live.Length ? _addresses[live[i + 1]] : head;
                blink = i > 0 ? _addresses[live[i - 1]] : head;
            }

            if (kind == RecordTamperingKind.BrokenLink)
            {
                blink = _addresses[record]; // Flink→Blink of the entry before it no longer comes back to that entry
            }

            RenderRecord(record, flink, blink, kind, patches);
        }

        foreach (var record in records.Where(r => StateOf(r) == BufferDumpState.Empty))
        {
            RenderRecord(record, 0, 0, null, patches); // deregistered: its memory, Empty, on no list
        }
    }

    private void RenderRecord(object record, ulong flink, ulong blink, RecordTamperingKind? kind, List<(ulong, byte[])> patches)
    {
        var address = _addresses[record];
        var hosted = _hostedRecords.Contains(record);
        _states[record] = StateOf(record);
        if (hosted && StateOf(record) == BufferDumpState.Empty)
        {
            return; // the driver's memory already says what deregistration left
        }

        var size = record is BugCheckCallbackRecord ? ClassicRecord.Size : ReasonRecord.Size;
        var bytes = hosted ? new byte[size] : null;
        var destination = bytes is null ? Pool(address, size) : bytes.AsSpan();
        WriteU64(destination, flink);
        WriteU64(destination[8..], blink);
        var unbacked = PoolAddress(UnbackedCodeOffset);
        if (record is BugCheckReasonCallbackRecord reason)
        {
            var routine = kind == RecordTamperingKind.RoutineOutsideModules ? unbacked : reason.CallbackRoutineAddress;
            var checksum = kind == RecordTamperingKind.RoutineOutsideModules ? SimulatedAddresses.Checksum(routine, reason.Reason, reason.ComponentAddress) : reason.Checksum;
            WriteU64(destination[ReasonRecord.CallbackRoutine..], routine);
            WriteU64(destination[ReasonRecord.Component..], reason.ComponentAddress);
            WriteU64(destination[ReasonRecord.Checksum..], kind == RecordTamperingKind.WrongChecksum ? ~checksum : checksum);
            BinaryPrimitives.WriteInt32LittleEndian(destination[ReasonRecord.Reason..], (int)reason.Reason);
            destination[ReasonRecord.State] = (byte)reason.State;
        }
        else
        {
            var classic = (BugCheckCallbackRecord)record;
            var routine = kind == RecordTamperingKind.RoutineOutsideModules ? unbacked : classic.CallbackRoutineAddress;
            var checksum = kind == RecordTamperingKind.RoutineOutsideModules
                ? SimulatedAddresses.Checksum(routine, classic.BufferAddress, classic.Length, classic.ComponentAddress)
                : classic.Checksum;
            WriteU64(destination[ClassicRecord.CallbackRoutine..], routine);
            WriteU64(destination[ClassicRecord.Buffer..], classic.BufferAddress);
            BinaryPrimitives.WriteUInt32LittleEndian(destination[ClassicRecord.Length..], classic.Length);
            WriteU64(destination[ClassicRecord.Component..], classic.ComponentAddress);
            WriteU64(destination[ClassicRecord.Checksum..], kind == RecordTamperingKind.WrongChecksum ? ~checksum : checksum);
            destination[ClassicRecord.State] = (byte)classic.State;
        }

        if (bytes is not null)
        {
            patches.Add((address, bytes));
        }
    }

    /// <summary>Gets whether <see cref="Render"/> ran: the structures are in the dump.</summary>
    public bool IsRendered { get; private set; }

    /// <summary>Gets the state a record had when the kernel's structures were written, or null when they were not.</summary>
    public BufferDumpState? StateInDump(object record) => _states.TryGetValue(record, out var state) ? state : null;

    private static BufferDumpState StateOf(object record) =>
        record is BugCheckReasonCallbackRecord reason ? reason.State : ((BugCheckCallbackRecord)record).State;

    private Span<byte> Pool(ulong address, int length) => _pool.AsSpan((int)(address - SimulatedAddresses.PoolBase), length);
}
