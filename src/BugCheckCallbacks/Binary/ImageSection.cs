using System.Reflection.PortableExecutable;

namespace BugCheckCallbacks.Binary;

/// <summary>One section of a driver image: an <c>IMAGE_SECTION_HEADER</c> (winnt.h), with what the kernel's loader makes of its name and flags.</summary>
/// <param name="Name">The section's name (<c>Name</c>, at most 8 characters): <c>.text</c>, <c>INIT</c>, <c>PAGE</c>, …</param>
/// <param name="VirtualAddress">Where the section starts, relative to the image base (<c>VirtualAddress</c>).</param>
/// <param name="VirtualSize">Its size in memory (<c>Misc.VirtualSize</c>).</param>
/// <param name="RawOffset">Where its bytes start in the file (<c>PointerToRawData</c>).</param>
/// <param name="RawSize">How many of its bytes the file holds (<c>SizeOfRawData</c>); past them it is zeros.</param>
/// <param name="Characteristics">Its flags (<c>Characteristics</c>).</param>
public sealed record ImageSection(string Name, uint VirtualAddress, uint VirtualSize, uint RawOffset, uint RawSize, SectionCharacteristics Characteristics)
{
    /// <summary>Gets the RVA just past the section in memory: it spans the larger of its virtual and raw sizes.</summary>
    public ulong End => (ulong)VirtualAddress + Math.Max(VirtualSize, RawSize);

    /// <summary>Gets whether the section holds code (<c>IMAGE_SCN_MEM_EXECUTE</c> or <c>IMAGE_SCN_CNT_CODE</c>).</summary>
    public bool IsExecutable => (Characteristics & (SectionCharacteristics.MemExecute | SectionCharacteristics.ContainsCode)) != 0;

    /// <summary>
    /// Gets whether the kernel frees the section once <c>DriverEntry</c> returns: <c>IMAGE_SCN_MEM_DISCARDABLE</c>, as
    /// <c>INIT</c> (where <c>#pragma alloc_text(INIT, …)</c> puts DriverEntry) is.
    /// </summary>
    public bool IsDiscardable => (Characteristics & SectionCharacteristics.MemDiscardable) != 0;

    /// <summary>
    /// Gets whether the kernel may page the section out: its name starts with <c>PAGE</c> (<c>PAGE</c>, <c>PAGELK</c>,
    /// <c>PAGEDATA</c>), where <c>#pragma alloc_text(PAGE, …)</c> and <c>data_seg("PAGEDATA")</c> put code and data. The
    /// rule is by name, as the WDK's documentation of alloc_text describes it (docs/inspect.md).
    /// </summary>
    public bool IsPageable => Name.StartsWith("PAGE", StringComparison.OrdinalIgnoreCase);

    /// <summary>Gets whether <paramref name="rva"/> lies in the section in memory.</summary>
    /// <param name="rva">An address relative to the image base.</param>
    /// <returns>True when <see cref="VirtualAddress"/> ≤ <paramref name="rva"/> &lt; <see cref="End"/>.</returns>
    public bool Contains(ulong rva) => rva >= VirtualAddress && rva < End;
}
