using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>The simulated machines the dump benchmarks bug-check: physical memory of a given size and 16 MiB of kernel memory.</summary>
internal static class BenchmarkMachine
{
    public const ulong KernelBase = 0xFFFF800000000000;
    public const ulong KernelSize = 16 << 20;

    /// <summary>A machine whose complete dump holds <paramref name="mebibytes"/> MiB of pages (the first page is not memory).</summary>
    public static SimulationOptions Complete(int mebibytes) => new()
    {
        DumpType = DumpType.Full,
        MemoryMap = new SimulatedMemoryMap(
        [
            new MemoryRegion(AddressSpace.Physical, new AddressRange(0x1000, ((ulong)mebibytes << 20) - 0x1000)),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(KernelBase, KernelSize)),
        ]),
        DetectAllocations = false,
    };

    /// <summary>A machine whose kernel dump (SDMP) holds about <paramref name="mebibytes"/> MiB: that much kernel memory, mapped, on as much physical memory.</summary>
    public static SimulationOptions Kernel(int mebibytes) => new()
    {
        DumpType = DumpType.Automatic,
        MemoryMap = new SimulatedMemoryMap(
        [
            new MemoryRegion(AddressSpace.Physical, new AddressRange(0x1000, ((ulong)mebibytes << 20) + (64UL << 20))),
            new MemoryRegion(AddressSpace.Virtual, new AddressRange(KernelBase, (ulong)mebibytes << 20)),
        ]),
        DetectAllocations = false,
    };

    /// <summary>Writes, unless it is there already, the ≥ 1 GiB dump of one body kind the read benchmarks use: "Full" (run-based), "BitmapFull" (FDMP) or "Kernel" (SDMP).</summary>
    public static string LargeDump(string kind)
    {
        var path = Path.Combine(Path.GetTempPath(), $"bcb-large-{kind}.dmp");
        if (!File.Exists(path))
        {
            var options = kind switch
            {
                "Full" => Complete(1024),
                "BitmapFull" => Complete(1024) with { DumpType = DumpType.BitmapFull },
                "Kernel" => Kernel(1024),
                _ => throw new ArgumentException($"No large dump of kind {kind}.", nameof(kind)),
            };
            var temporary = path + ".tmp";
            using (var writer = Dump.DumpFileWriter.Create(temporary))
            {
                new SimulatedKernel(options).KeBugCheckEx(0xD1, sink: writer);
            }

            File.Move(temporary, path, overwrite: true);
        }

        return path;
    }
}
