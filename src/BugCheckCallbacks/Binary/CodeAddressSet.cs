using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// A set of absolute addresses, most of them inside the code: one bit per byte of each executable section's bytes,
/// and a hash set for the few outside (a branch into the headers or past the file's bytes, in a hostile image). A walk
/// of a 10 MB driver marks hundreds of thousands of blocks; the bits cost a byte for each 8 bytes of code, and neither
/// hashing nor growth.
/// </summary>
internal sealed class CodeAddressSet
{
    private readonly ulong _imageBase;
    private readonly IReadOnlyList<ImageSection> _sections;
    private readonly ulong[][] _bits;
    private readonly HashSet<ulong> _outside = [];

    public CodeAddressSet(ulong imageBase, IReadOnlyList<ImageSection> sections)
    {
        (_imageBase, _sections) = (imageBase, sections);
        _bits = [.. sections.Select(s => new ulong[(s.RawSize + 63) / 64])];
    }

    /// <summary>Adds <paramref name="address"/>; false when it was already in the set.</summary>
    public bool Add(ulong address)
    {
        ref var word = ref Word(address, out var bit);
        if (Unsafe.IsNullRef(ref word))
        {
            return _outside.Add(address);
        }

        var added = (word & bit) == 0;
        word |= bit;
        return added;
    }

    public bool Contains(ulong address)
    {
        ref var word = ref Word(address, out var bit);
        return Unsafe.IsNullRef(ref word) ? _outside.Contains(address) : (word & bit) != 0;
    }

    /// <summary>The word that holds <paramref name="address"/>'s bit, or a null reference when no section's bytes hold it.</summary>
    private ref ulong Word(ulong address, out ulong bit)
    {
        var rva = address - _imageBase;
        if (ImageCode.SectionIndex(_sections, rva) is not (var i and >= 0))
        {
            bit = 0;
            return ref Unsafe.NullRef<ulong>();
        }

        var offset = rva - _sections[i].VirtualAddress;
        bit = 1UL << (int)(offset % 64);
        return ref _bits[i][offset / 64];
    }
}
