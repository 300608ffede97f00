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
}
