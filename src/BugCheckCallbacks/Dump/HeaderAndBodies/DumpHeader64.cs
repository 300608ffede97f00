using System.Buffers.Binary;
using System.Text;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// The byte layout of <c>DUMP_HEADER64</c> and of the bitmap header that follows it in bitmap dumps (sources in
/// docs/dump-format.md: mindumpdef.h, kdmp-parser, Volatility 3, QEMU).
/// </summary>
internal static class DumpHeader64
{
    public const int Size = 0x2000;

    /// <summary>The runs the 700-byte PhysicalMemoryBlockBuffer holds whole; the writer writes no more.</summary>
    public const int MaxRuns = 42;

    /// <summary>
    /// The runs a reader accepts: QEMU declares room for 43 (its WinDumpPhyMemDesc64), the last one reaching into the
    /// 4 bytes of padding before the CONTEXT record at 0x348.
    /// </summary>
    public const int MaxRunsRead = 43;
    public const int RunsOffset = PhysicalMemoryBlock + 0x10;
    public const int RunSize = 0x10;

    public const int Signature = 0x0000;
    public const int ValidDump = 0x0004;
    public const int MajorVersion = 0x0008;
    public const int MinorVersion = 0x000C;
    public const int DirectoryTableBase = 0x0010;
    public const int PfnDataBase = 0x0018;
    public const int PsLoadedModuleList = 0x0020;
    public const int PsActiveProcessHead = 0x0028;
    public const int MachineImageType = 0x0030;
    public const int NumberProcessors = 0x0034;
    public const int BugCheckCode = 0x0038;
    public const int BugCheckParameter1 = 0x0040;
    public const int KdDebuggerDataBlock = 0x0080;
    public const int PhysicalMemoryBlock = 0x0088;
    public const int PhysicalMemoryBlockSize = 0x2BC;
    public const int NumberOfPages = PhysicalMemoryBlock + 8;
    public const int ContextRecord = 0x0348;
    public const int Exception = 0x0F00;
    public const int DumpType = 0x0F98;
    public const int RequiredDumpSpace = 0x0FA0;
    public const int SystemTime = 0x0FA8;
    public const int Comment = 0x0FB0;
    public const int CommentSize = 128;
    public const int SystemUpTime = 0x1030;
    public const int MiniDumpFields = 0x1038;
    public const int SecondaryDataState = 0x103C;
    public const int ProductType = 0x1040;
    public const int SuiteMask = 0x1044;
    public const int WriterStatus = 0x1048;

    /// <summary>The on-disk DumpType of a run-based complete dump.</summary>
    public const uint DumpTypeFull = 1;

    /// <summary>The on-disk DumpType of a bitmap dump (kernel or complete memory, told apart by the bitmap header).</summary>
    public const uint DumpTypeBitmap = 5;

    /// <summary>The on-disk DumpType of a live kernel bitmap dump (Task Manager's live dump; kdmp-parser's name).</summary>
    public const uint DumpTypeLiveKernelBitmap = 6;

    /// <summary>The on-disk DumpTypes of the dumps the debugger's <c>.dump /k</c>, <c>/ka</c> and <c>/f</c> write (RDMP bodies).</summary>
    public const uint DumpTypeKernelRdmp = 8;
    public const uint DumpTypeCompleteRdmp = 10;

    /// <summary>The size of the x64 <c>CONTEXT</c> record and the offsets the writer fills in it.</summary>
    public const int ContextSize = 0x4D0;
    public const int ContextFlags = 0x30;
    public const int ContextMxCsr = 0x34;
    public const int ContextSegDs = 0x3A;
    public const int ContextSegEs = 0x3C;
    public const int ContextSegFs = 0x3E;
    public const int ContextSegGs = 0x40;
    public const int ContextFltSave = 0x100;
    public const int FltSaveControlWord = 0x00;
    public const int FltSaveMxCsr = 0x18;
    public const int FltSaveMxCsrMask = 0x1C;

    /// <summary>The bitmap header at 0x2000 of a bitmap dump, and the bitmap that follows it.</summary>
    public const int BitmapHeaderOffset = Size;
    public const int BitmapHeaderSize = 0x38;
    public const int BitmapFirstPage = 0x20;
    public const int BitmapPresentPages = 0x28;
    public const int BitmapBits = 0x30;

    public static ReadOnlySpan<byte> Page => "PAGE"u8;

    public static ReadOnlySpan<byte> ValidDump64 => "DU64"u8;

    public static ReadOnlySpan<byte> ValidDump32 => "DUMP"u8;

    public static ReadOnlySpan<byte> KernelBitmapSignature => "SDMP"u8;

    public static ReadOnlySpan<byte> CompleteBitmapSignature => "FDMP"u8;

    public static ReadOnlySpan<byte> BitmapValidDump => "DUMP"u8;

    /// <summary>
    /// Writes a whole header: "PAGE" in every byte no field claims, as Windows and QEMU leave them. A small memory dump's
    /// header also keeps "PAGE" where Windows' does (KERNEL-DUMP.md §8, verified): the physical-memory descriptor, the
    /// padding after BugCheckCode and DumpType, SecondaryDataState, and an empty Comment.
    /// </summary>
    public static void Write(DumpFileHeader header, Span<byte> destination)
    {
        destination = destination[..Size];
        for (var i = 0; i < Size; i += 4)
        {
            Page.CopyTo(destination[i..]);
        }

        Page.CopyTo(destination[Signature..]);
        ValidDump64.CopyTo(destination[ValidDump..]);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MajorVersion..], header.MajorVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MinorVersion..], header.MinorVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[DirectoryTableBase..], header.DirectoryTableBase);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[PfnDataBase..], header.PfnDataBase);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[PsLoadedModuleList..], header.PsLoadedModuleList);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[PsActiveProcessHead..], header.PsActiveProcessHead);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MachineImageType..], header.MachineImageType);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[NumberProcessors..], header.NumberProcessors);
        var isTriage = header.DumpType == TriageDumpFormat.DumpType;
        WriteStop(header.BugCheck, destination, isTriage);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[KdDebuggerDataBlock..], header.KdDebuggerDataBlock);

        if (!(isTriage && header.PhysicalMemoryRuns.Count == 0)) // a small dump without runs keeps the filler
        {
            WriteRuns(header, destination.Slice(PhysicalMemoryBlock, PhysicalMemoryBlockSize));
        }

        WriteContext(destination.Slice(ContextRecord, ContextSize));
        header.Context.Write(destination.Slice(ContextRecord, ContextSize));
        header.Exception.Write(destination[Exception..]);
        if (isTriage)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[DumpType..], header.DumpType);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[DumpType..], header.DumpType); // and its 4-byte padding
        }

        BinaryPrimitives.WriteInt64LittleEndian(destination[RequiredDumpSpace..], header.RequiredDumpSpace);
        BinaryPrimitives.WriteInt64LittleEndian(destination[SystemTime..], header.SystemTime);
        if (!(isTriage && header.Comment.Length == 0)) // nor without a comment
        {
            WriteComment(header.Comment, destination.Slice(Comment, CommentSize));
        }

        BinaryPrimitives.WriteInt64LittleEndian(destination[SystemUpTime..], header.SystemUpTime);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[MiniDumpFields..], header.MiniDumpFields);
        if (!isTriage)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[SecondaryDataState..], header.SecondaryDataState);
        }

        BinaryPrimitives.WriteUInt32LittleEndian(destination[ProductType..], header.ProductType);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[SuiteMask..], header.SuiteMask);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[WriterStatus..], header.WriterStatus);
    }

    /// <summary>BugCheckCode and its four parameters; a small dump leaves the code's 4-byte padding as filler, the others zero it.</summary>
    private static void WriteStop(BugCheckParameters stop, Span<byte> destination, bool isTriage)
    {
        if (isTriage)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[BugCheckCode..], stop.Code);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[BugCheckCode..], stop.Code); // and its 4-byte padding
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination[BugCheckParameter1..], stop.Parameter1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[(BugCheckParameter1 + 8)..], stop.Parameter2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[(BugCheckParameter1 + 16)..], stop.Parameter3);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[(BugCheckParameter1 + 24)..], stop.Parameter4);
    }

    /// <summary>PHYSICAL_MEMORY_DESCRIPTOR64: the run count, the page count, then each run's first page and page count.</summary>
    private static void WriteRuns(DumpFileHeader header, Span<byte> block)
    {
        block.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(block, (uint)header.PhysicalMemoryRuns.Count);
        BinaryPrimitives.WriteUInt64LittleEndian(block[8..], header.NumberOfPages);
        for (var i = 0; i < header.PhysicalMemoryRuns.Count; i++)
        {
            var run = block[(0x10 + (i * RunSize))..];
            BinaryPrimitives.WriteUInt64LittleEndian(run, header.PhysicalMemoryRuns[i].BasePage);
            BinaryPrimitives.WriteUInt64LittleEndian(run[8..], header.PhysicalMemoryRuns[i].PageCount);
        }
    }

    /// <summary>The comment, ASCII, NUL-terminated within its 128 bytes.</summary>
    private static void WriteComment(string text, Span<byte> comment)
    {
        comment.Clear();
        Encoding.ASCII.GetBytes(text.AsSpan(0, Math.Min(text.Length, CommentSize - 1)), comment);
    }

    /// <summary>
    /// Reads a <c>DUMP_HEADER64</c>, every field as <see cref="Write"/> lays it out, with "PAGE" — the filler Windows
    /// leaves where it has no value — read as absent (<see cref="DumpFileHeader.AbsentFields"/>).
    /// </summary>
    /// <exception cref="InvalidDumpException">The header is not an x64 kernel dump's, or a field is out of range; with its offset.</exception>
    public static DumpFileHeader Read(ReadOnlySpan<byte> header)
    {
        var dumpType = CheckKind(header);
        var absent = new List<string>();
        var (runs, numberOfPages) = ReadRuns(header, absent);
        var comment = header.Slice(Comment, CommentSize);
        var commentLength = comment.IndexOf((byte)0) is var nul and >= 0 ? nul : comment.Length;
        if (commentLength > 0 && IsAllFiller(comment[..commentLength]))
        {
            commentLength = 0;
            absent.Add("Comment");
        }

        var machine = Field32(header, absent, MachineImageType, "MachineImageType");
        var context = header.Slice(ContextRecord, ContextSize);
        return new DumpFileHeader
        {
            MajorVersion = Field32(header, absent, MajorVersion, "MajorVersion"),
            MinorVersion = Field32(header, absent, MinorVersion, "MinorVersion"),
            DirectoryTableBase = Field64(header, absent, DirectoryTableBase, "DirectoryTableBase"),
            PfnDataBase = Field64(header, absent, PfnDataBase, "PfnDataBase"),
            PsLoadedModuleList = Field64(header, absent, PsLoadedModuleList, "PsLoadedModuleList"),
            PsActiveProcessHead = Field64(header, absent, PsActiveProcessHead, "PsActiveProcessHead"),
            MachineImageType = machine,
            NumberProcessors = Field32(header, absent, NumberProcessors, "NumberProcessors"),
            BugCheckCode = Field32(header, absent, BugCheckCode, "BugCheckCode"),
            BugCheckParameter1 = Field64(header, absent, BugCheckParameter1, "BugCheckParameter1"),
            BugCheckParameter2 = Field64(header, absent, BugCheckParameter1 + 8, "BugCheckParameter2"),
            BugCheckParameter3 = Field64(header, absent, BugCheckParameter1 + 16, "BugCheckParameter3"),
            BugCheckParameter4 = Field64(header, absent, BugCheckParameter1 + 24, "BugCheckParameter4"),
            KdDebuggerDataBlock = Field64(header, absent, KdDebuggerDataBlock, "KdDebuggerDataBlock"),
            PhysicalMemoryRuns = runs,
            NumberOfPages = numberOfPages,
            DumpType = dumpType,
            RequiredDumpSpace = (long)Field64(header, absent, RequiredDumpSpace, "RequiredDumpSpace"),
            SystemTime = (long)Field64(header, absent, SystemTime, "SystemTime"),
            Comment = string.Create(commentLength, comment[..commentLength].ToArray(), static (chars, bytes) => { for (var i = 0; i < bytes.Length; i++) { chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?'; } }),
            SystemUpTime = (long)Field64(header, absent, SystemUpTime, "SystemUpTime"),
            MiniDumpFields = Field32(header, absent, MiniDumpFields, "MiniDumpFields"),
            SecondaryDataState = Field32(header, absent, SecondaryDataState, "SecondaryDataState"),
            ProductType = Field32(header, absent, ProductType, "ProductType"),
            SuiteMask = Field32(header, absent, SuiteMask, "SuiteMask"),
            WriterStatus = Field32(header, absent, WriterStatus, "WriterStatus"),
            Context = machine == Arm64Context.MachineType ? new ProcessorContext() : ProcessorContext.Read(context),
            Arm64Context = machine == Arm64Context.MachineType ? Arm64Context.Read(context) : null,
            AbsentFields = absent,
            Exception = ExceptionRecord64.Read(header.Slice(Exception, KernelStructures.ExceptionRecord.Size)),
        };
    }

    /// <summary>The signature, ValidDump and DumpType of an x64 kernel dump with a public layout; returns the DumpType.</summary>
    private static uint CheckKind(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith("MDMP"u8))
        {
            throw new InvalidDumpException(Signature, "The file starts with \"MDMP\": a user-mode minidump, not a kernel dump. Kernel dumps start with \"PAGE\".");
        }

        if (!header.StartsWith(Page))
        {
            throw new InvalidDumpException(Signature, "The file does not start with \"PAGE\": it is not a Windows kernel dump.");
        }

        var validDump = header.Slice(ValidDump, 4);
        if (validDump.SequenceEqual(ValidDump32))
        {
            throw new InvalidDumpException(ValidDump, "ValidDump is \"DUMP\": a 32-bit kernel dump. Only x64 dumps (\"DU64\") are read.");
        }

        if (!validDump.SequenceEqual(ValidDump64))
        {
            throw new InvalidDumpException(ValidDump, $"ValidDump is {DumpFile.Ascii(validDump)}; an x64 kernel dump has \"DU64\".");
        }

        var dumpType = BinaryPrimitives.ReadUInt32LittleEndian(header[DumpType..]);
        if (dumpType is not (DumpTypeFull or TriageDumpFormat.DumpType or DumpTypeBitmap or DumpTypeLiveKernelBitmap) &&
            dumpType is not (>= DumpTypeKernelRdmp and <= DumpTypeCompleteRdmp))
        {
            throw new InvalidDumpException(DumpType, $"DumpType {dumpType} ({DumpFile.DescribeDumpType(dumpType)}) is not read: only 1 (full), 4 (small memory dump), 5 (bitmap), 6 (live kernel bitmap) and 8, 9, 10 (the debugger's .dump /k, /ka, /f) have a public layout.");
        }

        return dumpType;
    }

    /// <summary>The physical memory runs and the page count, checked against each other and the 52-bit physical space.</summary>
    private static (PhysicalMemoryRun[] Runs, ulong NumberOfPages) ReadRuns(ReadOnlySpan<byte> header, List<string> absent)
    {
        // Windows fills every header field it does not use with "PAGE": a small memory dump's PhysicalMemoryBlock reads
        // "PAGE" (KERNEL-DUMP.md §8, verified on real files). Filler is "not there", never a count.
        var runCount = Field32(header, absent, PhysicalMemoryBlock, "NumberOfRuns");
        if (runCount > MaxRunsRead)
        {
            throw new InvalidDumpException(PhysicalMemoryBlock, $"NumberOfRuns is {runCount}; the header has room for at most {MaxRunsRead}.");
        }

        var runs = new PhysicalMemoryRun[runCount];
        var pages = 0UL;
        for (var i = 0; i < runs.Length; i++)
        {
            var at = RunsOffset + (i * RunSize);
            var run = new PhysicalMemoryRun(BinaryPrimitives.ReadUInt64LittleEndian(header[at..]), BinaryPrimitives.ReadUInt64LittleEndian(header[(at + 8)..]));
            const ulong FrameLimit = X64Paging.PhysicalAddressLimit >> X64Paging.PageShift;
            if (run.BasePage > FrameLimit || run.PageCount > FrameLimit - run.BasePage)
            {
                throw new InvalidDumpException(at, $"Run {i} (BasePage 0x{run.BasePage:X}, 0x{run.PageCount:X} pages) goes past the 52-bit physical address space.");
            }

            if (i > 0 && run.BasePage < runs[i - 1].EndPage)
            {
                throw new InvalidDumpException(at, $"Run {i} starts at page 0x{run.BasePage:X}, before the end of run {i - 1} (0x{runs[i - 1].EndPage:X}): runs must ascend without overlapping.");
            }

            runs[i] = run;
            pages += run.PageCount;
        }

        var numberOfPages = Field64(header, absent, NumberOfPages, "NumberOfPages");
        if (numberOfPages != pages)
        {
            throw new InvalidDumpException(NumberOfPages, $"NumberOfPages is 0x{numberOfPages:X}; the runs hold 0x{pages:X}.");
        }

        return (runs, numberOfPages);
    }

    private static uint Field32(ReadOnlySpan<byte> header, List<string> absent, int offset, string name) =>
        IsFiller(header.Slice(offset, sizeof(uint)), absent, name) ? 0 : BinaryPrimitives.ReadUInt32LittleEndian(header[offset..]);

    private static ulong Field64(ReadOnlySpan<byte> header, List<string> absent, int offset, string name) =>
        IsFiller(header.Slice(offset, sizeof(ulong)), absent, name) ? 0 : BinaryPrimitives.ReadUInt64LittleEndian(header[offset..]);

    /// <summary>Whether a header field holds only the "PAGE" filler Windows writes where it has no value; if so, names it absent.</summary>
    private static bool IsFiller(ReadOnlySpan<byte> field, List<string> absent, string name)
    {
        if (!IsAllFiller(field))
        {
            return false;
        }

        absent.Add(name);
        return true;
    }

    /// <summary>Whether <paramref name="bytes"/> are "PAGE" repeated (a trailing part of it included).</summary>
    private static bool IsAllFiller(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] != Page[i % 4])
            {
                return false;
            }
        }

        return bytes.Length >= 4;
    }

    /// <summary>Writes the bitmap header of a bitmap dump: signature, "DUMP", first page offset, page count, bit count.</summary>
    public static void WriteBitmapHeader(Span<byte> destination, DumpBodyLayout layout, ulong firstPage, ulong presentPages, ulong bits)
    {
        destination = destination[..BitmapHeaderSize];
        destination.Clear();
        (layout == DumpBodyLayout.CompleteBitmap ? CompleteBitmapSignature : KernelBitmapSignature).CopyTo(destination);
        BitmapValidDump.CopyTo(destination[4..]);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[BitmapFirstPage..], firstPage);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[BitmapPresentPages..], presentPages);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[BitmapBits..], bits);
    }

    /// <summary>The fixed part of a valid x64 <c>CONTEXT</c>: full context flags, data segments, MxCsr 0x1F80 in both places (the registers follow).</summary>
    private static void WriteContext(Span<byte> context)
    {
        const uint ContextAmd64Full = 0x0010000B; // CONTEXT_AMD64 | CONTROL | INTEGER | FLOATING_POINT (winnt.h)
        const uint DefaultMxCsr = 0x1F80;
        context.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(context[ContextFlags..], ContextAmd64Full);
        BinaryPrimitives.WriteUInt32LittleEndian(context[ContextMxCsr..], DefaultMxCsr);
        BinaryPrimitives.WriteUInt16LittleEndian(context[ContextSegDs..], 0x2B);
        BinaryPrimitives.WriteUInt16LittleEndian(context[ContextSegEs..], 0x2B);
        BinaryPrimitives.WriteUInt16LittleEndian(context[ContextSegFs..], 0x53);
        BinaryPrimitives.WriteUInt16LittleEndian(context[ContextSegGs..], 0x2B);
        var fltSave = context[ContextFltSave..];
        BinaryPrimitives.WriteUInt16LittleEndian(fltSave[FltSaveControlWord..], 0x27F);
        BinaryPrimitives.WriteUInt32LittleEndian(fltSave[FltSaveMxCsr..], DefaultMxCsr);
        BinaryPrimitives.WriteUInt32LittleEndian(fltSave[FltSaveMxCsrMask..], 0xFFFF);
    }
}
