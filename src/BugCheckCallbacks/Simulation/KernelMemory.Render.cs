using System.Buffers.Binary;
using System.Text;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using static BugCheckCallbacks.Dump.KernelStructures;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class KernelMemory
{

    /// <summary>
    /// Writes the kernel's structures as they are now: the KDBG, the module list, and the three callback lists with every
    /// record that is still registered (a record that deregistered is in memory, Empty and unlinked). Records that live in
    /// a native driver's memory come back as patches over the driver's bytes, at the record's address.
    /// </summary>
    public List<(ulong Address, byte[] Bytes)> Render(BugCheckRequest request)
    {
        Array.Clear(_pool);
        Array.Clear(_kernelData);
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
        WriteU64(kdbg[KdbgNtBuildLab..], KernelData + BuildLabOffset);
        WriteU64(kdbg[KdbgCmNtCsdVersion..], KernelData + CsdVersionOffset);
        Encoding.ASCII.GetBytes(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_buildNumber}.1.amd64fre.simulated"), data[(int)BuildLabOffset..((int)BuildLabOffset + 31)]);
        BinaryPrimitives.WriteUInt32LittleEndian(data[(int)NumberProcessorsOffset..], _processors);

        // KdVersionBlock (DBGKD_GET_VERSION64): 0xF (free build), the build, the machine, KernBase, PsLoadedModuleList, KDBG's list.
        var version = data[(int)VersionBlockOffset..];
        BinaryPrimitives.WriteUInt16LittleEndian(version, 0xF);
        BinaryPrimitives.WriteUInt16LittleEndian(version[2..], (ushort)_buildNumber);
        BinaryPrimitives.WriteUInt16LittleEndian(version[8..], PeImageHeader.MachineAmd64);
        WriteU64(version[0x10..], KernelBase);
        WriteU64(version[0x18..], PsLoadedModuleList);
        WriteU64(version[0x20..], KdDebuggerDataBlock);

        WriteU64(data[(int)ProcessListOffset..], PsActiveProcessHead); // an empty list points at itself
        WriteU64(data[((int)ProcessListOffset + 8)..], PsActiveProcessHead);

        // KiBugCheckData: the stop code and its parameters; KeBugCheckEx's fifth argument on the crashing thread's stack.
        ReadOnlySpan<ulong> stop = [request.BugCheck.Code, request.BugCheck.Parameter1, request.BugCheck.Parameter2, request.BugCheck.Parameter3, request.BugCheck.Parameter4];
        for (var i = 0; i < stop.Length; i++)
        {
            WriteU64(data[((int)BugCheckDataOffset + (i * 8))..], stop[i]);
        }

        WriteU64(_pool.AsSpan((int)StackTopOffset + 0x28), request.BugCheck.Parameter4);
        _pool[UnbackedCodeOffset] = 0xC3;

        RenderModules();
        var tampering = new Dictionary<object, RecordTamperingKind>(ReferenceEqualityComparer.Instance);
        foreach (var t in _tampering)
        {
            tampering.TryAdd((object?)t.Record ?? t.ClassicRecord!, t.Kind);
        }

        foreach (var list in _lists)
        {
            RenderList(list, tampering, patches);
        }

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
    private void RenderList(KernelRecordList list, Dictionary<object, RecordTamperingKind> tampering, List<(ulong, byte[])> patches)
    {
        var head = KernelData + list.HeadOffset;
        var live = new List<int>(list.Count); // indexes of the records still registered, in list order
        for (var i = 0; i < list.Count; i++)
        {
            list.States[i] = KernelRecordList.StateOf(list.Records[i]);
            if (list.States[i] != BufferDumpState.Empty)
            {
                live.Add(i);
            }
            else
            {
                RenderRecord(list, i, 0, 0, null, patches); // deregistered: its memory, Empty, on no list
            }
        }

        // A hidden record is skipped by its neighbours' links but keeps its own, as an unlink that bypasses it leaves them.
        var visible = tampering.Count == 0 ? live : live.Where(i => tampering.GetValueOrDefault(list.Records[i]) != RecordTamperingKind.Hidden).ToList();
        WriteU64(_kernelData.AsSpan((int)list.HeadOffset), visible.Count > 0 ? list.Addresses[visible[0]] : head);
        WriteU64(_kernelData.AsSpan((int)list.HeadOffset + 8), visible.Count > 0 ? list.Addresses[visible[^1]] : head);
        var position = 0; // the next visible record's place in visible
        for (var n = 0; n < live.Count; n++)
        {
            var i = live[n];
            var kind = tampering.Count > 0 && tampering.TryGetValue(list.Records[i], out var k) ? k : (RecordTamperingKind?)null;
            var shown = position < visible.Count && visible[position] == i;
            var (chain, at) = shown ? (visible, position++) : (live, n);
            var flink = at + 1 < chain.Count ? list.Addresses[chain[at + 1]] : head;
            var blink = at > 0 ? list.Addresses[chain[at - 1]] : head;
            if (kind == RecordTamperingKind.BrokenLink)
            {
                blink = list.Addresses[i]; // Flink→Blink of the entry before it no longer comes back to that entry
            }

            RenderRecord(list, i, flink, blink, kind, patches);
        }
    }

    private void RenderRecord(KernelRecordList list, int index, ulong flink, ulong blink, RecordTamperingKind? kind, List<(ulong, byte[])> patches)
    {
        var (record, address, hosted) = (list.Records[index], list.Addresses[index], list.Hosted[index]);
        if (hosted && list.States[index] == BufferDumpState.Empty)
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
            destination[ReasonRecord.State] = (byte)list.States[index];
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
            destination[ClassicRecord.State] = (byte)list.States[index];
        }

        if (bytes is not null)
        {
            patches.Add((address, bytes));
        }
    }

    /// <summary>Gets whether <see cref="Render"/> ran: the structures are in the dump.</summary>
    public bool IsRendered { get; private set; }


    private Span<byte> Pool(ulong address, int length) => _pool.AsSpan((int)(address - SimulatedAddresses.PoolBase), length);
}
