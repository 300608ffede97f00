using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Fuzz;

/// <summary>The dumps the fuzzer starts from, made by the library's own writer on a small machine, plus a bare DumpBlob region.</summary>
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

        var automatic = seeds[2].Item2;
        using (var dump = DumpFile.Open(new MemoryStream(automatic)))
        {
            seeds.Add(("DumpBlob region", automatic[(int)dump.SecondaryDataOffset..]));
        }

        return seeds;
    }

    private static byte[] Write(DumpType dumpType)
    {
        var map = new SimulatedMemoryMap(
        [
            new MemoryRegion(AddressSpace.Physical, new AddressRange(0x1000, 0x20000)),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(KernelBase, 0x2000), "fuzz seed"u8.ToArray()),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x7FF000000000, 0x1000)),
        ]);
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType, MemoryMap = map, DetectAllocations = false });
        var log = "the seed's secondary data"u8.ToArray();
        kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, data) =>
        {
            var d = (SecondaryDumpData)data!;
            if (!d.IsSizeQuery)
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
}
