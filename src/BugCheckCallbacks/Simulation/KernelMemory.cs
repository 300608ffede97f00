using System.Buffers.Binary;
using System.Text;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The simulated kernel in simulated memory (docs/dump-format.md, "The simulated kernel in memory"): the module images
/// (ntoskrnl.exe with a decoded KDBG and the list heads in its data, hal.dll, one image per component), and the kernel's
/// pool with a <c>KLDR_DATA_TABLE_ENTRY</c> per module and every callback record in its x64 layout on its list. The plan
/// (addresses, sizes) is fixed when the bug check starts; <see cref="Render"/> writes the records as they are when the
/// dump's header is written. Images are rendered page by page on demand, so they cost no memory of their own.
/// </summary>
internal sealed partial class KernelMemory
{
    private const uint PageSize = X64Paging.PageSize;
    internal const uint KdbgOffset = 0x000;
    internal const uint ModuleListOffset = 0x340;
    internal const uint ProcessListOffset = 0x350;
    internal const uint ClassicListOffset = 0x360;
    internal const uint ReasonListOffset = 0x370;
    internal const uint PagesListOffset = 0x380;
    internal const uint BugCheckDataOffset = 0x390;
    /// <summary>Where <c>ObTypeIndexTable</c> is in the kernel's data: 100 zeroed pointers (no object types are simulated).</summary>
    internal const uint ObjectTypeTableOffset = 0x800;

    /// <summary>Where <c>KdVersionBlock</c> (<c>DBGKD_GET_VERSION64</c>, 0x28 bytes) is in the kernel's data.</summary>
    internal const uint VersionBlockOffset = 0xC00;

    /// <summary>Where the ASCII build lab string KDBG's NtBuildLab points at is (at most 31 characters and a NUL).</summary>
    internal const uint BuildLabOffset = 0xC40;

    /// <summary>Where the ULONG KDBG's CmNtCSDVersion points at is (0: no service pack).</summary>
    internal const uint CsdVersionOffset = 0xC60;

    /// <summary>Where <c>KeNumberProcessors</c> (a ULONG) is in the kernel's data.</summary>
    internal const uint NumberProcessorsOffset = 0xC68;

    /// <summary>KDDEBUGGER_DATA64's NtBuildLab and CmNtCSDVersion (Volatility 3 <c>kdbg.json</c>).</summary>
    private const int KdbgNtBuildLab = 0x208;
    private const int KdbgCmNtCsdVersion = 0x268;

    private const uint StackTopOffset = 0xF00; // in the pool's first page: the crashing thread's stack
    private const uint UnbackedCodeOffset = 0x800; // in the pool's first page: where a tampered routine points
    private const uint ModulesOffset = PageSize;

    /// <summary>The PDB the kernel image's CodeView record names, and its identity.</summary>
    internal static (Guid Guid, uint Age, string Pdb) KernelPdb => (KernelSymbols.PdbGuid, KernelSymbols.PdbAge, KernelSymbols.PdbName);

    private readonly ImageSlot[] _images;
    private readonly HostedModule[] _hosted;
    private readonly KernelRecordList[] _lists; // reason, add/remove pages, classic
    private Dictionary<object, (KernelRecordList List, int Index)>? _byRecord; // for the outcome, built when first asked
    private readonly (ulong Full, ulong Base)[] _nameAddresses;
    private readonly byte[] _pool;
    private readonly byte[] _kernelData = new byte[PageSize];
    private readonly IReadOnlyList<RecordTampering> _tampering;

    /// <summary>Where Windows maps <c>KUSER_SHARED_DATA</c> in the kernel's half (one page).</summary>
    public const ulong SharedUserData = 0xFFFFF780_00000000;

    private readonly byte[] _sharedUserData = new byte[PageSize];

    private readonly uint _buildNumber;
    private readonly uint _processors;

    public KernelMemory(RegistrySnapshot snapshot, SimulationOptions options)
    {
        var hosted = options.Hosted;
        var buildNumber = options.BuildNumber;
        (_buildNumber, _processors) = (buildNumber, options.NumberOfProcessors);
        BinaryPrimitives.WriteInt64LittleEndian(_sharedUserData.AsSpan(0x14), options.SystemTime.ToFileTime()); // SystemTime (KSYSTEM_TIME)
        BinaryPrimitives.WriteInt32LittleEndian(_sharedUserData.AsSpan(0x1C), (int)(options.SystemTime.ToFileTime() >> 32)); // High2Time
        Encoding.Unicode.GetBytes(@"C:\Windows", _sharedUserData.AsSpan(0x30)); // NtSystemRoot
        // KUSER_SHARED_DATA (wdm.h): NtBuildNumber 0x260, NtProductType 0x264 (1, workstation), ProductTypeIsValid 0x268,
        // NativeProcessorArchitecture 0x26A (9, AMD64), NtMajorVersion 0x26C (10), NtMinorVersion 0x270 (0).
        BinaryPrimitives.WriteUInt32LittleEndian(_sharedUserData.AsSpan(0x260), buildNumber);
        BinaryPrimitives.WriteUInt32LittleEndian(_sharedUserData.AsSpan(0x264), 1);
        _sharedUserData[0x268] = 1;
        BinaryPrimitives.WriteUInt16LittleEndian(_sharedUserData.AsSpan(0x26A), 9);
        BinaryPrimitives.WriteUInt32LittleEndian(_sharedUserData.AsSpan(0x26C), 10);
        _images = snapshot.Images;
        _hosted = hosted?.Modules.ToArray() ?? [];
        _tampering = options.Tampering;
        var reason = new List<BugCheckReasonCallbackRecord>();
        var pages = new List<BugCheckReasonCallbackRecord>();
        for (var r = BugCheckCallbackReason.Reserved1; r <= BugCheckCallbackReason.Reserved3; r++)
        {
            (r is BugCheckCallbackReason.AddPages or BugCheckCallbackReason.RemovePages ? pages : reason).AddRange(snapshot.GetCallbacks(r));
        }

        // One list for every reason but the page reasons, in registration order across reasons.
        _lists =
        [
            new KernelRecordList(ReasonListOffset, KernelRecordList.InListOrder(reason, snapshot.Order)),
            new KernelRecordList(PagesListOffset, KernelRecordList.InListOrder(pages, snapshot.Order)),
            new KernelRecordList(ClassicListOffset, [.. snapshot.ClassicCallbacks.ToArray()]),
        ];

        var moduleCount = _images.Length + _hosted.Length;
        var offset = (ulong)ModulesOffset + ((ulong)moduleCount * KernelStructures.KldrEntry.Size);
        _nameAddresses = new (ulong, ulong)[moduleCount];
        for (var i = 0; i < moduleCount; i++)
        {
            var (full, name) = ModuleNames(i);
            _nameAddresses[i] = (PoolAddress(offset), PoolAddress(offset + UnicodeBytes(full)));
            offset += UnicodeBytes(full) + UnicodeBytes(name);
        }

        foreach (var list in _lists)
        {
            for (var i = 0; i < list.Count; i++)
            {
                // A record in a native driver's memory keeps its own address; the others are laid out in the pool.
                var own = list.Records[i] is BugCheckReasonCallbackRecord r
                    ? hosted?.ReasonRecords.GetValueOrDefault(r) ?? 0
                    : hosted?.ClassicRecords.GetValueOrDefault((BugCheckCallbackRecord)list.Records[i]) ?? 0;
                list.Hosted[i] = own != 0;
                list.Addresses[i] = own != 0 ? own : PoolAddress(offset);
                offset += own != 0 ? 0 : (ulong)(list.HeadOffset == ClassicListOffset ? KernelStructures.ClassicRecord.Size : KernelStructures.ReasonRecord.Size);
            }
        }

        _pool = new byte[(offset + PageSize - 1) & ~(ulong)(PageSize - 1)];
    }

    /// <summary>Gets the kernel image's base (<c>KernBase</c>).</summary>
    public ulong KernelBase => _images[0].Base;

    /// <summary>Gets the address of the KDBG block.</summary>
    public ulong KdDebuggerDataBlock => KernelData + KdbgOffset;

    /// <summary>Gets the address of <c>PsLoadedModuleList</c>.</summary>
    public ulong PsLoadedModuleList => KernelData + ModuleListOffset;

    /// <summary>Gets the address of <c>PsActiveProcessHead</c> (an empty list: the simulation has no processes).</summary>
    public ulong PsActiveProcessHead => KernelData + ProcessListOffset;

    /// <summary>Gets the address of <c>KeBugCheckEx</c>, where the crashing processor's context stands.</summary>
    public ulong KeBugCheckEx => _images[0].RoutineAddress(0);

    /// <summary>Gets the crashing thread's stack pointer, in the pool's first page.</summary>
    public static ulong StackPointer => PoolAddress(StackTopOffset);

    /// <summary>Gets the regions to add to the machine's memory map: every image, the pool, and <c>KUSER_SHARED_DATA</c>.</summary>
    public IEnumerable<MemoryRegion> Regions()
    {
        foreach (var image in _images)
        {
            var slot = image;
            yield return new MemoryRegion(AddressSpace.Virtual, new AddressRange(slot.Base, slot.SizeOfImage)) { Renderer = (offset, page) => RenderImagePage(slot, offset, page), IsKernel = true };
        }

        yield return new MemoryRegion(AddressSpace.Virtual, new AddressRange(SimulatedAddresses.PoolBase, (ulong)_pool.Length), _pool) { IsKernel = true };
        yield return new MemoryRegion(AddressSpace.Virtual, new AddressRange(SharedUserData, PageSize), _sharedUserData) { IsKernel = true };
    }

    /// <summary>Gets where a record is in the dump's memory, or 0 when it is not there.</summary>
    public ulong AddressOf(object record) => Find(record) is { } at ? at.List.Addresses[at.Index] : 0;

    /// <summary>Gets the state a record had when the kernel's structures were written, or null when they were not.</summary>
    public BufferDumpState? StateInDump(object record) => IsRendered && Find(record) is { } at ? at.List.States[at.Index] : null;

    private (KernelRecordList List, int Index)? Find(object record)
    {
        if (_byRecord is null)
        {
            _byRecord = new(ReferenceEqualityComparer.Instance);
            foreach (var list in _lists)
            {
                for (var i = 0; i < list.Count; i++)
                {
                    _byRecord[list.Records[i]] = (list, i);
                }
            }
        }

        return _byRecord.TryGetValue(record, out var at) ? at : null;
    }

    /// <summary>Gets every module's name and the address of its KLDR_DATA_TABLE_ENTRY, in load order (the kernel first).</summary>
    public (string Name, ulong Entry)[] ModuleEntries() =>
        [.. Enumerable.Range(0, _nameAddresses.Length).Select(i => (ModuleNames(i).Full, ModuleAddress(i)))];

    /// <summary>Gets the layout as the outcome reports it.</summary>
    public KernelLayoutInfo Info() => new()
    {
        KdDebuggerDataBlock = KdDebuggerDataBlock,
        PsLoadedModuleList = PsLoadedModuleList,
        KeBugCheckCallbackListHead = KernelData + ClassicListOffset,
        KeBugCheckReasonCallbackListHead = KernelData + ReasonListOffset,
        KeBugCheckAddRemovePagesCallbackListHead = KernelData + PagesListOffset,
        Modules = [.. Enumerable.Range(0, _images.Length + _hosted.Length).Select(i => new KernelModuleInfo(ModuleNames(i).Name, ModuleBase(i), ModuleSize(i)))],
    };

    private ulong KernelData => KernelBase + PageSize;

    private static ulong PoolAddress(ulong offset) => SimulatedAddresses.PoolBase + offset;

    private static ulong UnicodeBytes(string text) => (((ulong)text.Length * 2) + 2 + 7) & ~7UL; // NUL-terminated, 8-aligned

    private (string Full, string Name) ModuleNames(int module)
    {
        if (module >= _images.Length)
        {
            var driver = _hosted[module - _images.Length];
            return (Cut(driver.Path), Cut(driver.Name));
        }

        var name = Cut(_images[module].Name);
        return (module < 2 ? @"\SystemRoot\system32\" + name : @"\SystemRoot\System32\drivers\" + name, name);

        // UNICODE_STRING counts bytes in 16 bits.
        static string Cut(string text) => text.Length > 0x3F00 ? text[..0x3F00] : text;
    }

    private ulong ModuleBase(int module) => module < _images.Length ? _images[module].Base : _hosted[module - _images.Length].Base;

    private ulong ModuleSize(int module) => module < _images.Length ? _images[module].SizeOfImage : _hosted[module - _images.Length].Size;

    /// <summary>One page of an image: the PE headers (and a short name), the kernel's variables or a long name, or code.</summary>
    private void RenderImagePage(ImageSlot image, ulong offset, Span<byte> page)
    {
        page.Clear();
        if (offset >= image.TextOffset)
        {
            page.Fill(0xCC); // int3 between routines
            var first = (offset - image.TextOffset) / SimulatedAddresses.RoutineStride;
            var capacity = SimulatedAddresses.RoutineCapacity(image.TextOffset);
            for (var i = 0UL; i < PageSize / SimulatedAddresses.RoutineStride && first + i < Math.Min(image.Routines, capacity); i++)
            {
                page[(int)(i * SimulatedAddresses.RoutineStride)] = 0xC3; // ret: each routine returns at once
            }

            return;
        }

        if (offset == 0)
        {
            PeImageHeader.Write(page, image.Base, image.SizeOfImage, image.TextOffset, image.Index == 0 ? KernelPdb : null);
        }
        else if (image.Index == 0 && offset == PageSize)
        {
            _kernelData.CopyTo(page);
        }

        var name = Encoding.ASCII.GetBytes(image.Name.Length > SimulatedAddresses.MaxStoredName ? image.Name[..SimulatedAddresses.MaxStoredName] : image.Name);
        var nameStart = (long)image.NameOffset - (long)offset;
        var from = Math.Max(0, nameStart);
        var to = Math.Min(PageSize, nameStart + name.Length); // the NUL after it is already zero
        if (from < to)
        {
            name.AsSpan((int)(from - nameStart), (int)(to - from)).CopyTo(page[(int)from..]);
        }
    }

    private static void WriteU64(Span<byte> destination, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(destination, value);
}
