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
        if (isTriage)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(destination[BugCheckCode..], header.BugCheckCode);
        }
        else
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[BugCheckCode..], header.BugCheckCode); // and its 4-byte padding
        }

        BinaryPrimitives.WriteUInt64LittleEndian(destination[BugCheckParameter1..], header.BugCheckParameter1);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[(BugCheckParameter1 + 8)..], header.BugCheckParameter2);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[(BugCheckParameter1 + 16)..], header.BugCheckParameter3);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[(BugCheckParameter1 + 24)..], header.BugCheckParameter4);
        BinaryPrimitives.WriteUInt64LittleEndian(destination[KdDebuggerDataBlock..], header.KdDebuggerDataBlock);

        if (!(isTriage && header.PhysicalMemoryRuns.Count == 0)) // a small dump without runs keeps the filler
        {
            var block = destination.Slice(PhysicalMemoryBlock, PhysicalMemoryBlockSize);
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
        if (!(isTriage && header.Comment.Length == 0))
        {
            var comment = destination.Slice(Comment, CommentSize);
            comment.Clear();
            Encoding.ASCII.GetBytes(header.Comment.AsSpan(0, Math.Min(header.Comment.Length, CommentSize - 1)), comment);
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
