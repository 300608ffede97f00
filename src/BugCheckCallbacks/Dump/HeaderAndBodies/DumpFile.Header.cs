using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>Reading the <c>DUMP_HEADER64</c>: every field, with "PAGE" — the filler Windows leaves where it has no value — read as absent.</summary>
public sealed partial class DumpFile
{
    private static DumpFileHeader ReadHeader(ReadOnlySpan<byte> header)
    {
        if (header.StartsWith("MDMP"u8))
        {
            throw new InvalidDumpException(DumpHeader64.Signature, "The file starts with \"MDMP\": a user-mode minidump, not a kernel dump. Kernel dumps start with \"PAGE\".");
        }

        if (!header.StartsWith(DumpHeader64.Page))
        {
            throw new InvalidDumpException(DumpHeader64.Signature, "The file does not start with \"PAGE\": it is not a Windows kernel dump.");
        }

        var validDump = header.Slice(DumpHeader64.ValidDump, 4);
        if (validDump.SequenceEqual(DumpHeader64.ValidDump32))
        {
            throw new InvalidDumpException(DumpHeader64.ValidDump, "ValidDump is \"DUMP\": a 32-bit kernel dump. Only x64 dumps (\"DU64\") are read.");
        }

        if (!validDump.SequenceEqual(DumpHeader64.ValidDump64))
        {
            throw new InvalidDumpException(DumpHeader64.ValidDump, $"ValidDump is {Ascii(validDump)}; an x64 kernel dump has \"DU64\".");
        }

        var dumpType = U32(header, DumpHeader64.DumpType);
        if (dumpType is not (DumpHeader64.DumpTypeFull or TriageDumpFormat.DumpType or DumpHeader64.DumpTypeBitmap or DumpHeader64.DumpTypeLiveKernelBitmap) &&
            dumpType is not (>= DumpHeader64.DumpTypeKernelRdmp and <= DumpHeader64.DumpTypeCompleteRdmp))
        {
            throw new InvalidDumpException(DumpHeader64.DumpType, $"DumpType {dumpType} ({DumpTypeName(dumpType)}) is not read: only 1 (full), 4 (small memory dump), 5 (bitmap), 6 (live kernel bitmap) and 8, 9, 10 (the debugger's .dump /k, /ka, /f) have a public layout.");
        }

        var absent = new List<string>();
        // Windows fills every header field it does not use with "PAGE": a small memory dump's PhysicalMemoryBlock reads
        // "PAGE" (KERNEL-DUMP.md §8, verified on real files). Filler is "not there", never a count.
        var runCount = Field32(header, absent, DumpHeader64.PhysicalMemoryBlock, "NumberOfRuns");
        if (runCount > DumpHeader64.MaxRunsRead)
        {
            throw new InvalidDumpException(DumpHeader64.PhysicalMemoryBlock, $"NumberOfRuns is {runCount}; the header has room for at most {DumpHeader64.MaxRunsRead}.");
        }

        var runs = new PhysicalMemoryRun[runCount];
        var pages = 0UL;
        for (var i = 0; i < runs.Length; i++)
        {
            var at = DumpHeader64.RunsOffset + (i * DumpHeader64.RunSize);
            var run = new PhysicalMemoryRun(U64(header, at), U64(header, at + 8));
            const ulong FrameLimit = X64Paging.PhysicalAddressLimit >> PageShift;
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

        var numberOfPages = Field64(header, absent, DumpHeader64.NumberOfPages, "NumberOfPages");
        if (numberOfPages != pages)
        {
            throw new InvalidDumpException(DumpHeader64.NumberOfPages, $"NumberOfPages is 0x{numberOfPages:X}; the runs hold 0x{pages:X}.");
        }

        var comment = header.Slice(DumpHeader64.Comment, DumpHeader64.CommentSize);
        var commentLength = comment.IndexOf((byte)0) is var nul and >= 0 ? nul : comment.Length;
        if (commentLength > 0 && IsAllFiller(comment[..commentLength]))
        {
            commentLength = 0;
            absent.Add("Comment");
        }

        var machine = Field32(header, absent, DumpHeader64.MachineImageType, "MachineImageType");
        var context = header.Slice(DumpHeader64.ContextRecord, DumpHeader64.ContextSize);
        return new DumpFileHeader
        {
            MajorVersion = Field32(header, absent, DumpHeader64.MajorVersion, "MajorVersion"),
            MinorVersion = Field32(header, absent, DumpHeader64.MinorVersion, "MinorVersion"),
            DirectoryTableBase = Field64(header, absent, DumpHeader64.DirectoryTableBase, "DirectoryTableBase"),
            PfnDataBase = Field64(header, absent, DumpHeader64.PfnDataBase, "PfnDataBase"),
            PsLoadedModuleList = Field64(header, absent, DumpHeader64.PsLoadedModuleList, "PsLoadedModuleList"),
            PsActiveProcessHead = Field64(header, absent, DumpHeader64.PsActiveProcessHead, "PsActiveProcessHead"),
            MachineImageType = machine,
            NumberProcessors = Field32(header, absent, DumpHeader64.NumberProcessors, "NumberProcessors"),
            BugCheckCode = Field32(header, absent, DumpHeader64.BugCheckCode, "BugCheckCode"),
            BugCheckParameter1 = Field64(header, absent, DumpHeader64.BugCheckParameter1, "BugCheckParameter1"),
            BugCheckParameter2 = Field64(header, absent, DumpHeader64.BugCheckParameter1 + 8, "BugCheckParameter2"),
            BugCheckParameter3 = Field64(header, absent, DumpHeader64.BugCheckParameter1 + 16, "BugCheckParameter3"),
            BugCheckParameter4 = Field64(header, absent, DumpHeader64.BugCheckParameter1 + 24, "BugCheckParameter4"),
            KdDebuggerDataBlock = Field64(header, absent, DumpHeader64.KdDebuggerDataBlock, "KdDebuggerDataBlock"),
            PhysicalMemoryRuns = runs,
            NumberOfPages = numberOfPages,
            DumpType = dumpType,
            RequiredDumpSpace = (long)Field64(header, absent, DumpHeader64.RequiredDumpSpace, "RequiredDumpSpace"),
            SystemTime = (long)Field64(header, absent, DumpHeader64.SystemTime, "SystemTime"),
            Comment = string.Create(commentLength, comment[..commentLength].ToArray(), static (chars, bytes) => { for (var i = 0; i < bytes.Length; i++) { chars[i] = bytes[i] is >= 0x20 and < 0x7F ? (char)bytes[i] : '?'; } }),
            SystemUpTime = (long)Field64(header, absent, DumpHeader64.SystemUpTime, "SystemUpTime"),
            MiniDumpFields = Field32(header, absent, DumpHeader64.MiniDumpFields, "MiniDumpFields"),
            SecondaryDataState = Field32(header, absent, DumpHeader64.SecondaryDataState, "SecondaryDataState"),
            ProductType = Field32(header, absent, DumpHeader64.ProductType, "ProductType"),
            SuiteMask = Field32(header, absent, DumpHeader64.SuiteMask, "SuiteMask"),
            WriterStatus = Field32(header, absent, DumpHeader64.WriterStatus, "WriterStatus"),
            Context = machine == Arm64Context.MachineType ? new ProcessorContext() : ProcessorContext.Read(context),
            Arm64Context = machine == Arm64Context.MachineType ? Arm64Context.Read(context) : null,
            AbsentFields = absent,
            Exception = ExceptionRecord64.Read(header.Slice(DumpHeader64.Exception, KernelStructures.ExceptionRecord.Size)),
        };
    }

    private static uint Field32(ReadOnlySpan<byte> header, List<string> absent, int offset, string name) =>
        IsFiller(header.Slice(offset, sizeof(uint)), absent, name) ? 0 : U32(header, offset);

    private static ulong Field64(ReadOnlySpan<byte> header, List<string> absent, int offset, string name) =>
        IsFiller(header.Slice(offset, sizeof(ulong)), absent, name) ? 0 : U64(header, offset);

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
            if (bytes[i] != DumpHeader64.Page[i % 4])
            {
                return false;
            }
        }

        return bytes.Length >= 4;
    }
}
