using System.Buffers.Binary;
using System.Diagnostics;
using System.Text;
using BugCheckCallbacks.Dump;
using static BugCheckCallbacks.Dump.KernelStructures;

namespace BugCheckCallbacks.Forensics;

/// <summary>
/// Reads the kernel structures a dump holds, without symbols: the KDBG block, the loaded-module list and the bug-check
/// callback lists, in the dumps this library writes and in dumps Windows wrote (docs/forensics.md).
/// </summary>
/// <remarks>
/// Every walk is bounded by <see cref="KernelWalkerOptions"/>: a list that loops or never ends, or page tables that map
/// the same frames over and over, end with a finding or a note, not a stall. Structures that are missing or malformed
/// give a result that says so; the only exception a walk throws is the reader's <see cref="InvalidDumpException"/>
/// (a file that ends inside a page it claims to store).
/// </remarks>
[DebuggerDisplay("KernelWalker over {_dump.Length} bytes")]
public sealed partial class KernelWalker
{
    private const int MaxNameChars = 1024;
    private readonly DumpFile _dump;
    private readonly KernelWalkerOptions _options;
    private DebuggerDataSearch? _debuggerData;
    private ModuleList? _modules;
    private LoadedModule[]? _byBase;
    private KernelScan? _scan;

    /// <summary>Initializes a walker over an open dump.</summary>
    /// <param name="dump">The dump; the walker reads it and never disposes it.</param>
    /// <param name="options">The bounds, or null for the defaults.</param>
    /// <exception cref="ArgumentNullException"><paramref name="dump"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A bound in <paramref name="options"/> is less than 1.</exception>
    public KernelWalker(DumpFile dump, KernelWalkerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dump);
        _options = options ?? new KernelWalkerOptions();
        _options.Validate();
        _dump = dump;
    }

    /// <summary>
    /// Finds the decoded KDBG block: at the header's <c>KdDebuggerDataBlock</c>, else by scanning the kernel memory the
    /// dump holds for its tag; accepted only when <c>OwnerTag</c> reads "KDBG" (a live system keeps it encoded).
    /// </summary>
    /// <returns>The block, or null with what was tried.</returns>
    /// <exception cref="InvalidDumpException">The file ends inside a page it claims to store.</exception>
    public DebuggerDataSearch FindDebuggerData()
    {
        if (_debuggerData is not null)
        {
            return _debuggerData;
        }

        var tried = new List<string>();
        var address = _dump.Header.KdDebuggerDataBlock;
        if (address == 0)
        {
            tried.Add("The header's KdDebuggerDataBlock is 0 (not set).");
        }
        else if (ReadDebuggerData(address, fromHeader: true) is { } block)
        {
            return _debuggerData = new DebuggerDataSearch(block, [$"The header's KdDebuggerDataBlock 0x{address:X16} holds a decoded KDBG."]);
        }
        else
        {
            tried.Add($"The header's KdDebuggerDataBlock 0x{address:X16} is unreadable or its OwnerTag is not \"KDBG\" (an encoded block reads as noise).");
        }

        var scan = Scan();
        foreach (var candidate in scan.DebuggerDataCandidates)
        {
            if (ReadDebuggerData(candidate, fromHeader: false) is { } found)
            {
                tried.Add($"A scan of {scan.PagesScanned} mapped pages found the \"KDBG\" tag at 0x{candidate + Kdbg.OwnerTag:X16}.");
                return _debuggerData = new DebuggerDataSearch(found, tried);
            }
        }

        tried.Add($"A scan of {scan.PagesScanned} mapped pages found no \"KDBG\" tag with a plausible Size and KernBase{(scan.Exhausted ? " (the scan stopped at its budget)" : string.Empty)}.");
        return _debuggerData = new DebuggerDataSearch(null, tried);
    }

    /// <summary>
    /// Reads the loaded-module list from the header's <c>PsLoadedModuleList</c>, else from the KDBG block's; a small memory
    /// dump, which does not hold the list's memory, from its driver list (<see cref="DumpFile.Triage"/>).
    /// </summary>
    /// <returns>The modules in list order, with what was wrong with the list.</returns>
    /// <exception cref="InvalidDumpException">The file ends inside a page it claims to store.</exception>
    public ModuleList ReadModules()
    {
        if (_modules is not null)
        {
            return _modules;
        }

        if (_dump.Triage is { } triage)
        {
            // The copies of the entries lie in the file, not at their addresses: the entry's own address is not known.
            // Windows lists full paths (\SystemRoot\System32\drivers\amdppm.sys); the name is the file's, as the debugger shows it.
            LoadedModule[] listed = [.. triage.Drivers.Select(d => new LoadedModule(0, d.DllBase, d.SizeOfImage, 0, d.Name[(d.Name.LastIndexOf('\\') + 1)..], d.Name))];
            return _modules = new ModuleList(_dump.Header.PsLoadedModuleList, listed, [], "A small memory dump: its driver list (PAGEDUMP_TRIAGE.DriverListOffset) names the modules.");
        }

        var (head, tried) = _dump.Header.PsLoadedModuleList != 0
            ? (_dump.Header.PsLoadedModuleList, "The header's PsLoadedModuleList names the head.")
            : FindDebuggerData().Block is { PsLoadedModuleList: not 0 } block
                ? (block.PsLoadedModuleList, "The KDBG block's PsLoadedModuleList names the head.")
                : (0UL, "Neither the header's PsLoadedModuleList nor a KDBG block names the loaded-module list.");
        if (head == 0)
        {
            return _modules = new ModuleList(0, [], [], tried);
        }

        if (!CanRead(head, ListEntrySize))
        {
            return _modules = new ModuleList(head, [], [], $"{tried} The head 0x{head:X16} is not in the dump: no module can be listed.");
        }

        var walk = WalkList(head, KldrEntry.Size);
        var modules = walk.Nodes.Select(n => ReadModule(n.Address, n.Bytes)).ToArray();
        var findings = walk.Findings.Concat(walk.Nodes.Where(n => n.BrokenLink).Select(n => BrokenLinkFinding(n.Address))).ToArray();
        return _modules = new ModuleList(head, modules, findings, tried);
    }

    /// <summary>Gets the loaded module whose image holds <paramref name="address"/>.</summary>
    /// <param name="address">A virtual address.</param>
    /// <returns>The module, or null when none holds it.</returns>
    /// <exception cref="InvalidDumpException">The file ends inside a page it claims to store.</exception>
    public LoadedModule? ModuleAt(ulong address)
    {
        _byBase ??= [.. ReadModules().Modules.Where(m => m.Size > 0).OrderBy(m => m.Base)];
        int low = 0, high = _byBase.Length - 1, best = -1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (_byBase[middle].Base <= address)
            {
                best = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        // Overlapping images (hostile or odd dumps): the nearest base below may not hold it, an earlier larger one might.
        for (var i = best; i >= 0 && i > best - 64; i--)
        {
            if (_byBase[i].Contains(address))
            {
                return _byBase[i];
            }
        }

        return null;
    }

    private DebuggerDataBlock? ReadDebuggerData(ulong address, bool fromHeader)
    {
        Span<byte> block = stackalloc byte[Kdbg.MmPfnDatabase + 8];
        if (_dump.ReadVirtual(address, block) != block.Length || BinaryPrimitives.ReadUInt32LittleEndian(block[Kdbg.OwnerTag..]) != Kdbg.Tag)
        {
            return null;
        }

        var size = BinaryPrimitives.ReadUInt32LittleEndian(block[Kdbg.Size..]);
        var kernBase = U64(block, Kdbg.KernBase);
        if (!fromHeader && (size is < (uint)(Kdbg.MmPfnDatabase + 8) or > 0x1000 || kernBase < 0xFFFF_8000_0000_0000))
        {
            return null; // a stray "KDBG" in data: a real block has a plausible size and a kernel-half base
        }

        return new DebuggerDataBlock(
            address, fromHeader, size, kernBase, U64(block, Kdbg.PsLoadedModuleList), U64(block, Kdbg.PsActiveProcessHead),
            U64(block, Kdbg.KeBugCheckCallbackListHead), U64(block, Kdbg.KiBugcheckData), U64(block, Kdbg.MmPfnDatabase));
    }

    private LoadedModule ReadModule(ulong address, byte[] entry) => new(
        address,
        U64(entry, KldrEntry.DllBase),
        BinaryPrimitives.ReadUInt32LittleEndian(entry.AsSpan(KldrEntry.SizeOfImage)),
        U64(entry, KldrEntry.EntryPoint),
        ReadUnicode(entry.AsSpan(KldrEntry.BaseDllName)) ?? string.Empty,
        ReadUnicode(entry.AsSpan(KldrEntry.FullDllName)) ?? string.Empty);

    /// <summary>Reads a <c>UNICODE_STRING</c> (at most 1,024 characters), or null when its buffer is unreadable.</summary>
    private string? ReadUnicode(ReadOnlySpan<byte> unicodeString)
    {
        var length = Math.Min(BinaryPrimitives.ReadUInt16LittleEndian(unicodeString[UnicodeString.Length..]) & ~1, MaxNameChars * 2);
        if (length == 0)
        {
            return string.Empty;
        }

        var bytes = new byte[length];
        return _dump.ReadVirtual(U64(unicodeString, UnicodeString.Buffer), bytes) == length ? Printable(Encoding.Unicode.GetString(bytes)) : null;
    }

    /// <summary>Reads a NUL-terminated ASCII string of at most 256 bytes, or null when its first byte is unreadable.</summary>
    private string? ReadAscii(ulong address)
    {
        Span<byte> bytes = stackalloc byte[256];
        var read = _dump.ReadVirtual(address, bytes);
        if (read == 0)
        {
            return null;
        }

        var text = bytes[..read];
        var nul = text.IndexOf((byte)0);
        return Printable(Encoding.ASCII.GetString(nul >= 0 ? text[..nul] : text));
    }

    private static string Printable(string text) => string.Create(text.Length, text, static (chars, source) =>
    {
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = char.IsControl(source[i]) ? '?' : source[i];
        }
    });

    private static IntegrityFinding BrokenLinkFinding(ulong address) =>
        new(IntegrityFindingKind.BrokenLink, address, $"The entry at 0x{address:X16} is reached by a Flink, but its Blink does not point back at the entry before it.");

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);
}
