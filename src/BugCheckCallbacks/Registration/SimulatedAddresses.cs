namespace BugCheckCallbacks.Registration;

/// <summary>
/// The simulated kernel's address plan (docs/dump-format.md, "The simulated kernel in memory"): where module images,
/// the kernel's pool and the classic buffers sit, and the kernel's checksum rules over those addresses.
/// </summary>
internal static class SimulatedAddresses
{
    /// <summary>Where the first module image starts: slot 0 is ntoskrnl.exe, slot 1 hal.dll, then one per component.</summary>
    public const ulong ImagesBase = 0xFFFFF800_00000000;

    /// <summary>
    /// The boundary images start on (64 KiB): Windows loads kernel images at its allocation granularity, one after the
    /// other (as <c>lm</c> shows them), so that many small drivers share each page table.
    /// </summary>
    public const uint ImageAlignment = 0x1_0000;

    /// <summary>The address space images are packed into (512 GiB); past its end the next image starts again at its start.</summary>
    public const ulong ImagesAreaSize = 0x80_0000_0000;

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

    private const uint PageSize = X64Page.Size;

    /// <summary>
    /// Gets the address space an image whose code starts at <paramref name="textOffset"/> reserves: its headers and data,
    /// then at least one page of code, up to the next 64 KiB boundary (0x10000 for most images).
    /// </summary>
    public static uint ImageReservation(uint textOffset) => (textOffset + PageSize + ImageAlignment - 1) & ~(ImageAlignment - 1);

    /// <summary>
    /// Gets the base of the image after one at <paramref name="previousBase"/> whose code starts at
    /// <paramref name="previousTextOffset"/>: the end of its reservation, or <see cref="ImagesBase"/> again when an image
    /// reserving <paramref name="reservation"/> bytes would pass the end of the images' area (the images then share addresses).
    /// </summary>
    public static ulong NextImageBase(ulong previousBase, uint previousTextOffset, uint reservation)
    {
        var next = previousBase + ImageReservation(previousTextOffset);
        return next + reservation > ImagesBase + ImagesAreaSize ? ImagesBase : next;
    }

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
            return (PageSize + KernelVariablesSize, PageSize + X64Page.AlignUp(KernelVariablesSize + stored));
        }

        return stored <= PageSize - HeaderNameOffset ? (HeaderNameOffset, PageSize) : (PageSize, PageSize + X64Page.AlignUp(stored));
    }

    /// <summary>Where a short component name sits in its image's header page, past the PE headers.</summary>
    public const uint HeaderNameOffset = 0x400;

    /// <summary>The most bytes of a component name an image holds (longer names are cut there in memory).</summary>
    public const int MaxStoredName = 0xFFF0;

    /// <summary>The bytes past its last routine an image keeps: a reader (Volatility 3) reads that much code at each routine.</summary>
    public const uint CodeReadMargin = 0x40;

    /// <summary>
    /// The routines an image's code section has room for, with <see cref="CodeReadMargin"/> after the last inside its
    /// reservation (3,836 for most images); further registrations reuse them from the first, as a driver that registers
    /// many records passes the same few routines.
    /// </summary>
    public static uint RoutineCapacity(uint textOffset) => (ImageReservation(textOffset) - textOffset - CodeReadMargin) / RoutineStride;

    /// <summary>The kernel's checksum: routine + reason + component, as address arithmetic (wrapping).</summary>
    public static ulong Checksum(ulong routine, BugCheckCallbackReason reason, ulong component) =>
        unchecked(routine + (ulong)(long)reason + component);

    /// <summary>The classic record's checksum: routine + buffer + length + component, as address arithmetic.</summary>
    public static ulong Checksum(ulong routine, ulong buffer, uint length, ulong component) =>
        unchecked(routine + buffer + length + component);
}
