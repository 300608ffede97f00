namespace BugCheckCallbacks.Registration;

/// <summary>
/// The simulated kernel's address plan (docs/dump-format.md, "The simulated kernel in memory"): where module images,
/// the kernel's pool and the classic buffers sit, and the kernel's checksum rules over those addresses.
/// </summary>
internal static class SimulatedAddresses
{
    /// <summary>Where the first module image slot starts: slot 0 is ntoskrnl.exe, slot 1 hal.dll, then one per component.</summary>
    public const ulong ImagesBase = 0xFFFFF800_00000000;

    /// <summary>The address space each module image may use (4 MiB): its headers, its data, then its routines.</summary>
    public const ulong ImageSlotSize = 0x40_0000;

    /// <summary>The number of image slots (512 GiB of address space); more components share slots, modulo this count.</summary>
    public const int ImageSlotCount = 0x2_0000;

    /// <summary>The space between two routines of one image: each routine's code is a <c>ret</c> padded with <c>int3</c>.</summary>
    public const uint RoutineStride = 0x10;

    /// <summary>The bytes at the start of the kernel image's data section that hold the kernel's variables (KDBG, list heads).</summary>
    public const uint KernelVariablesSize = 0x400;

    /// <summary>Where the kernel's pool starts: module entries, their names and every callback record, laid out at the bug check.</summary>
    public const ulong PoolBase = 0xFFFFA000_00000000;

    /// <summary>Where the classic callbacks' buffers are said to be; no dump holds them (the debugger documentation says so).</summary>
    public const ulong ClassicBufferBase = 0xFFFFB000_00000000;

    /// <summary>The file name of the kernel image, slot 0.</summary>
    public const string KernelImageName = "ntoskrnl.exe";

    /// <summary>The file name of the HAL image, slot 1.</summary>
    public const string HalImageName = "hal.dll";

    private const uint PageSize = 0x1000;

    private static uint AlignToPage(uint value) => (value + PageSize - 1) & ~(PageSize - 1);

    /// <summary>Gets the base address of image slot <paramref name="slot"/>.</summary>
    public static ulong SlotBase(int slot) => ImagesBase + ((ulong)(slot % ImageSlotCount) * ImageSlotSize);

    /// <summary>
    /// Gets where an image keeps its copy of the component name and where its code starts. The kernel (slot 0) has one
    /// data page of variables, the name after them, then its code; another image keeps a name that fits in its header
    /// page at 0x400 and starts its code at 0x1000, and a longer name in data pages of its own, before the code.
    /// </summary>
    public static (uint Name, uint Text) SectionOffsets(int slot, int nameLength)
    {
        var stored = (uint)Math.Min(nameLength, MaxStoredName) + 1;
        if (slot == 0)
        {
            return (PageSize + KernelVariablesSize, PageSize + AlignToPage(KernelVariablesSize + stored));
        }

        return stored <= PageSize - HeaderNameOffset ? (HeaderNameOffset, PageSize) : (PageSize, PageSize + AlignToPage(stored));
    }

    /// <summary>Where a short component name sits in its image's header page, past the PE headers.</summary>
    public const uint HeaderNameOffset = 0x400;

    /// <summary>The most bytes of a component name an image holds (longer names are cut there in memory).</summary>
    public const int MaxStoredName = 0xFFF0;

    /// <summary>The routines an image's code section has room for; further registrations reuse them from the first.</summary>
    public static uint RoutineCapacity(uint textOffset) => (uint)((ImageSlotSize - textOffset) / RoutineStride);

    /// <summary>The kernel's checksum: routine + reason + component, as address arithmetic (wrapping).</summary>
    public static ulong Checksum(ulong routine, BugCheckCallbackReason reason, ulong component) =>
        unchecked(routine + (ulong)(long)reason + component);

    /// <summary>The classic record's checksum: routine + buffer + length + component, as address arithmetic.</summary>
    public static ulong Checksum(ulong routine, ulong buffer, uint length, ulong component) =>
        unchecked(routine + buffer + length + component);
}
