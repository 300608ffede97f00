using System.Text.Json;
using BugCheckCallbacks.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Fuzz;

/// <summary>
/// Runs one input through every reader entry point: as a kernel dump and a DumpBlob region, where only
/// <see cref="InvalidDumpException"/> is an expected failure, and as the outcome report beside a dump, where only
/// <see cref="JsonException"/> is, and as a driver image, where only <see cref="InvalidImageException"/> is.
/// </summary>
internal static class Harness
{
    private const int Limit = 256;

    /// <summary>
    /// Reads <paramref name="input"/> as a kernel dump and as a bare region; says which of the two read without
    /// InvalidDumpException. With <paramref name="mappedFile"/>, the dump is read from that file, memory-mapped.
    /// </summary>
    public static (bool Dump, bool Region, bool Report, bool Image) ReadEverything(byte[] input, string? mappedFile = null)
    {
        bool dump;
        try
        {
            if (mappedFile is null)
            {
                using var stream = DumpFile.Open(new MemoryStream(input, writable: false));
                ReadAsKernelDump(stream);
            }
            else
            {
                File.WriteAllBytes(mappedFile, input);
                using var mapped = DumpFile.OpenMapped(mappedFile);
                ReadAsKernelDump(mapped);
            }

            dump = true;
        }
        catch (InvalidDumpException)
        {
            dump = false;
        }

        return (dump, ReadAsRegion(input), ReadAsOutcomeReport(input), ReadAsDriverImage(input));
    }

    /// <summary>What inspect does with a driver file: read it, use every table and the bytes they point at, then inspect it.</summary>
    private static bool ReadAsDriverImage(byte[] input)
    {
        if (input.Length < 2 || input[0] != (byte)'M' || input[1] != (byte)'Z')
        {
            return false; // not a PE image at all: the dumps' seeds, which the reader refuses at the first bytes
        }

        try
        {
            var image = DriverImage.Read(input);
            foreach (var section in image.Sections)
            {
                _ = image.GetRawData(section).Length + (section.IsExecutable ? 1 : 0);
            }

            foreach (var import in image.Imports.Take(Limit))
            {
                _ = image.TryReadUInt64(import.AddressTableRva, out _) && image.SectionAt(import.AddressTableRva) is not null;
            }

            _ = image.Exports.Sum(e => e.Name.Length) + image.Relocations.Count + (image.ReadAsciiString(image.EntryPoint)?.Length ?? 0);
            var inspection = DriverInspection.Inspect(image); // decodes the code of a damaged image, and walks its callbacks
            _ = inspection.Calls.Count + inspection.Findings.Sum(f => f.Detail.Length) + inspection.Reached.Count + inspection.UnresolvedCalls.Count;
            return true;
        }
        catch (InvalidImageException)
        {
            return false;
        }
    }

    /// <summary>What show, enumtag and report do with the report beside a dump: read it, then use every part of it.</summary>
    private static bool ReadAsOutcomeReport(byte[] input)
    {
        if (input.Length == 0 || input[0] != (byte)'{')
        {
            return false; // not JSON at all: the dumps' seeds, which the reader refuses at the first byte
        }

        try
        {
            var outcome = BugCheckOutcome.ReadJson(new MemoryStream(input, writable: false));
            _ = outcome.ToText();
            _ = outcome.Violations.Select(outcome.IsExpected).Count();
            _ = outcome.MissingExpectations.Count();
            _ = outcome.Blobs.Sum(b => b.Component.Length + (int)b.Reason) + outcome.TriageBlocks.Sum(b => b.Component.Length) + (outcome.Kernel?.Modules.Sum(m => m.Name.Length) ?? 0);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static void ReadAsKernelDump(DumpFile dump)
    {
        _ = (dump.Header, dump.Layout, dump.StoredPageCount, dump.BodyEnd);
        var page = new byte[0x1000];
        foreach (var run in dump.EnumerateStoredRuns().Take(Limit))
        {
            dump.ContainsPage(run.BasePage);
            dump.ReadPhysical((run.BasePage << 12) + 0xFF0, page);
            dump.ReadPhysical(run.EndPage << 12, page);
        }

        var visits = 0;
        dump.ForEachStoredPage((_, _) => ++visits < Limit); // the bulk reads, stopped after Limit pages
        dump.ReadPages([0, 1, 0x10, 0x11, 0x20, 0x22, 0x22, dump.Header.DirectoryTableBase >> 12, ulong.MaxValue], (_, _) => true);
        dump.ReadPhysical(0x10000, new byte[0x3000]); // one read spanning pages
        foreach (var address in new[] { Seeds.KernelBase, Seeds.KernelBase + 0x1FF8, 0x7FF000000000UL, dump.Header.BugCheckParameter4, 0x0000800000000000UL })
        {
            dump.TryTranslate(address, out _);
            dump.ReadVirtual(address, page);
        }

        if (dump.Triage is { } triage)
        {
            // A small memory dump: its driver list and every block it lists, read back through virtual addresses.
            _ = triage.Drivers.Count;
            foreach (var block in triage.DataBlocks.Take(Limit))
            {
                dump.ReadVirtual(block.Address, page);
                dump.ReadVirtual(block.Address + block.Size - 1, page);
            }

            dump.ReadVirtual(triage.DataPageAddress, page);
            dump.ReadVirtual(dump.Header.KdDebuggerDataBlock, page);
        }

        ReadTags(dump.EnumerateTags(), (tag, buffer) => dump.TryReadTagged(tag, 0, buffer, out _, out _), dump.OpenTag);
        WalkKernel(dump);
    }

    /// <summary>The walker's entry points: KDBG, the module list, every callback list (from the KDBG, carving and a given head).</summary>
    private static void WalkKernel(DumpFile dump)
    {
        var walker = new KernelWalker(dump, new KernelWalkerOptions { MaxListEntries = 10_000 });
        _ = walker.FindDebuggerData();
        _ = walker.ReadModules();
        _ = walker.ModuleAt(dump.Header.BugCheckParameter4);
        var scan = walker.ReadCallbackLists(new Dictionary<CallbackListKind, ulong> { [CallbackListKind.Reason] = dump.Header.PsLoadedModuleList + 0x30 });
        _ = scan.AllFindings.Count();
    }

    private static bool ReadAsRegion(byte[] input)
    {
        try
        {
            using var region = DumpBlobReader.Open(new MemoryStream(input, writable: false));
            ReadTags(region.EnumerateTags(), (tag, buffer) => region.TryReadTagged(tag, 0, buffer, out _, out _), region.OpenTag);
            return true;
        }
        catch (InvalidDumpException)
        {
            return false;
        }
    }

    private static void ReadTags(IEnumerable<DumpTag> tags, Func<Guid, byte[], bool> read, Func<Guid, Stream> open)
    {
        var buffer = new byte[0x100];
        foreach (var tag in tags.Take(Limit))
        {
            read(tag.Tag, buffer);
            using var stream = open(tag.Tag);
            stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
    }
}
