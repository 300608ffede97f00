using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Fuzz;

/// <summary>The dumps the fuzzer starts from: made by the library's own writer on a small machine, small memory dumps shaped like Windows' (x64, ARM64), an RDMP dump built by hand, and a bare DumpBlob region.</summary>
internal static class Seeds
{
    public const ulong KernelBase = 0xFFFF800000000000;

    private static readonly Guid s_tag = Guid.Parse("f022f022-0000-4000-8000-000000000001");
    private static readonly Guid s_parts = Guid.Parse("f022f022-0000-4000-8000-000000000002");

    public static IReadOnlyList<(string Name, byte[] Bytes)> Create()
    {
        var seeds = new List<(string, byte[])>();
        foreach (var dumpType in new[] { DumpType.Full, DumpType.BitmapFull, DumpType.Automatic, DumpType.Triage, DumpType.Header })
        {
            seeds.Add((dumpType.ToString(), Write(dumpType)));
        }

        // Shaped like the small memory dumps Windows writes, x64 and ARM64, with fewer drivers, blocks and blobs than the
        // real ones so that a million inputs take minutes: every quirk (PAGE filler, header-pointing offsets, an unaligned
        // region) is in them all the same.
        seeds.Add(("Windows small dump x64", Tests.Dump.WindowsSmallDump.X64(drivers: 12, blocks: 40, blobs: 6).File));
        seeds.Add(("Windows small dump ARM64", Tests.Dump.WindowsSmallDump.Arm(drivers: 12, blocks: 40, blobs: 6).File));
        seeds.Add(("RDMP (.dump /k, by hand)", Rdmp(8)));
        seeds.Add(("RDMP (.dump /f, by hand)", Rdmp(10)));
        seeds.Add(("outcome report", System.Text.Encoding.UTF8.GetBytes(OutcomeReport())));
        var automatic = seeds[2].Item2;
        using (var dump = DumpFile.Open(new MemoryStream(automatic)))
        {
            seeds.Add(("DumpBlob region", automatic[(int)dump.SecondaryDataOffset..]));
        }

        // Driver images (PE32+) for DriverImage: files someone else's linker wrote (CI builds them with mingw-w64), from the
        // folder BUGCHECK_FUZZ_IMAGES names; without it the image reader is fuzzed only on what mutations of dumps give.
        if (Environment.GetEnvironmentVariable("BUGCHECK_FUZZ_IMAGES") is { Length: > 0 } images && Directory.Exists(images))
        {
            seeds.AddRange(Directory.EnumerateFiles(images).Order(StringComparer.Ordinal).Select(file => ("image " + Path.GetFileName(file), File.ReadAllBytes(file))));
        }

        return seeds;
    }

    /// <summary>An outcome report with something in every list: calls, violations (one expected), blobs, ranges, triage blocks, records, modules.</summary>
    private static string OutcomeReport()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        var array = new TriageDumpDataArray(0x100);
        kernel.Callbacks.RegisterSecondaryDumpData(new BugCheckReasonCallbackRecord(), (_, d) =>
        {
            d.OutBufferLength = 16;
            if (!d.IsSizeQuery)
            {
                d.Guid = Guid.Parse("5707e5a1-0000-4000-8000-000000000001");
                d.SetOutput(new byte[16]);
            }
        }, "writer.sys");
        kernel.Callbacks.RegisterSecondaryDumpData(new BugCheckReasonCallbackRecord(), (_, _) => throw new InvalidOperationException("fuzz"), "faulty.sys");
        kernel.Callbacks.RegisterAddPages(new BugCheckReasonCallbackRecord(), (_, p) => { p.Flags = PageRangeFlags.PhysicalAddress; p.Address = 0x2000; p.Count = 1; }, "pages.sys");
        kernel.Callbacks.RegisterTriageDumpData(new BugCheckReasonCallbackRecord(), (_, t) => { array.Initialize(0x100); array.AddBlock(KernelBase, 0x40); t.DataArray = array; }, "triage.sys");
        var outcome = kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4, new InMemoryDumpSink());
        return outcome.WithExpectedViolations([new ExpectedViolation("faulty.sys", "BCV0001"), new ExpectedViolation("gone.sys", "BCV0004")]).ToJson();
    }

    private static byte[] Write(DumpType dumpType)
    {
        var map = new SimulatedMemoryMap(
        [
            new MemoryRegion(AddressSpace.Physical, new AddressRange(0x1000, 0x20000)),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(KernelBase, 0x2000), "fuzz seed"u8.ToArray()),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x7FF000000000, 0x1000)),
        ]);
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType, MemoryMap = map, DetectAllocations = false, MultiPartReservation = 0x100 });
        var log = "the seed's secondary data"u8.ToArray();
        kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, data) =>
        {
            var d = (SecondaryDumpData)data!;
            if (d.IsSizeQuery)
            {
                d.OutBufferLength = (uint)log.Length;
            }
            else
            {
                d.Guid = s_tag;
                d.SetOutput(log);
            }
        }, BugCheckCallbackReason.SecondaryDumpData, "seed.sys");
        kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            d.Guid = s_parts;
            d.SetOutput(log.AsMemory(0, (int)d.Context + 3));
            d.Context++;
            d.Flags = d.Context < 3 ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        }, BugCheckCallbackReason.SecondaryMultiPartDumpData, "parts.sys");
        var array = new TriageDumpDataArray(0x100);
        kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, data) =>
        {
            array.Initialize(0x100);
            array.AddBlock(KernelBase + 0x1000, 0x40);
            ((TriageDumpData)data!).DataArray = array;
        }, BugCheckCallbackReason.TriageDumpData, "triage.sys");
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4, sink);
        return sink.ToArray();
    }

    /// <summary>
    /// A dump the debugger's <c>.dump /k</c> (DumpType 8) or <c>.dump /f</c> (10, which also counts its ranges and pages) would
    /// write, built by hand from the layout (the writer writes none):
    /// two PFN ranges (0x10–0x11, 0x20–0x22), page tables mapping <see cref="KernelBase"/> to PFN 0x22, one blob after the pages.
    /// </summary>
    private static byte[] Rdmp(uint dumpType)
    {
        const int MetadataSize = 0x10 + (3 * 16);
        const int FirstPage = 0x2020 + MetadataSize;
        var file = new byte[FirstPage + (5 * 0x1000) + 0x38];
        "PAGEDU64"u8.CopyTo(file);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x10), 0x10000);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x88), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x90), 0x40);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0xA0), 0x40);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0xF98), dumpType);
        BinaryPrimitives.WriteInt64LittleEndian(file.AsSpan(0xFA0), file.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x2000), 0x40);
        "RDMPDUMP"u8.CopyTo(file.AsSpan(0x2004));
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2010), MetadataSize);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2018), FirstPage);
        if (dumpType == 10)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x2020), 2); // NumberOfRanges
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2028), 5); // TotalNumberOfPages
        }

        (ulong Pfn, ulong Count)[] ranges = [(0x10, 2), (0x20, 3)];
        var at = FirstPage;
        for (var i = 0; i < ranges.Length; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2030 + (i * 16)), ranges[i].Pfn);
            BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x2038 + (i * 16)), ranges[i].Count);
            for (var p = 0UL; p < ranges[i].Count; p++, at += 0x1000)
            {
                var (index, next) = (ranges[i].Pfn + p) switch { 0x10 => (256, 0x11UL), 0x11 => (0, 0x20UL), 0x20 => (0, 0x21UL), 0x21 => (0, 0x22UL), _ => (-1, 0UL) };
                if (index >= 0)
                {
                    BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(at + (index * 8)), (next << 12) | 0x63);
                }
            }
        }

        DumpBlob.WriteFileHeader(file.AsSpan(at), 26100);
        DumpBlob.WriteBlobHeader(file.AsSpan(at + DumpBlob.FileHeaderSize), s_tag, 8);
        return file;
    }
}
