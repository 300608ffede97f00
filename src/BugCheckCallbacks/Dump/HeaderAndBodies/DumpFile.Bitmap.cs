using System.Buffers.Binary;
using System.Diagnostics;
using System.Numerics;

namespace BugCheckCallbacks.Dump;

/// <summary>A bitmap dump's body: the bitmap header, and the bitmap read so that a sparse file claims no memory.</summary>
public sealed partial class DumpFile
{
    private const long MaxBitmapBytesWithoutPages = 64L << 20; // a 2 TiB machine's bitmap, whatever the dump stores
    private const long MaxBitmapBytes = 1L << 30; // what the words kept may take: a 32 TiB machine's bitmap

    private (DumpBodyLayout Layout, long FirstPage, ulong Pages, ulong[] Bitmap, long[] Rank) ReadBitmap()
    {
        var (layout, bits, bitmapBytes, firstPage, present) = ReadBitmapHeader();
        var words = ReadBitmapWords(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapHeaderSize, bitmapBytes, bits, present);
        var rank = Ranks(words, out var counted);
        Debug.Assert((ulong)counted == present, "the second pass reads what the first counted");
        return (layout, (long)firstPage, present, words, rank);
    }

    /// <summary>The bitmap header after DUMP_HEADER64: its signature, and its counts checked against each other and the file before anything is sized by them.</summary>
    private (DumpBodyLayout Layout, ulong Bits, long BitmapBytes, ulong FirstPage, ulong Present) ReadBitmapHeader()
    {
        const int At = DumpHeader64.BitmapHeaderOffset;
        Span<byte> header = stackalloc byte[DumpHeader64.BitmapHeaderSize];
        _file.ReadAt(At, header, "the bitmap header");
        var signature = header[..4];
        var layout = signature.SequenceEqual(DumpHeader64.KernelBitmapSignature) ? DumpBodyLayout.KernelBitmap
            : signature.SequenceEqual(DumpHeader64.CompleteBitmapSignature) ? DumpBodyLayout.CompleteBitmap
            : throw new InvalidDumpException(At, $"The bitmap header's signature is {Ascii(signature)}; a bitmap dump has \"SDMP\" (kernel) or \"FDMP\" (complete).");
        if (!header.Slice(4, 4).SequenceEqual(DumpHeader64.BitmapValidDump))
        {
            throw new InvalidDumpException(At + 4, $"The bitmap header's ValidDump is {Ascii(header.Slice(4, 4))}; a bitmap dump has \"DUMP\".");
        }

        var bits = U64(header, DumpHeader64.BitmapBits);
        var room = (ulong)(_file.Length - At - DumpHeader64.BitmapHeaderSize);
        if (bits / 8 > room || (bits + 7) / 8 > room)
        {
            throw new InvalidDumpException(At + DumpHeader64.BitmapBits, $"The bitmap claims 0x{bits:X} bits; the file has room for 0x{room * 8:X}.");
        }

        var bitmapBytes = (long)((bits + 7) / 8);
        var firstPage = U64(header, DumpHeader64.BitmapFirstPage);
        var bitmapEnd = (ulong)(At + DumpHeader64.BitmapHeaderSize + bitmapBytes);
        if (firstPage < bitmapEnd || firstPage > (ulong)_file.Length)
        {
            throw new InvalidDumpException(At + DumpHeader64.BitmapFirstPage, $"FirstPage 0x{firstPage:X} is not between the end of the bitmap (0x{bitmapEnd:X}) and the end of the file (0x{_file.Length:X}).");
        }

        var present = U64(header, DumpHeader64.BitmapPresentPages);
        if (present > ((ulong)_file.Length - firstPage) / PageSize)
        {
            throw new InvalidDumpException(At + DumpHeader64.BitmapPresentPages, $"The bitmap header counts 0x{present:X} pages; the file has room for 0x{((ulong)_file.Length - firstPage) / PageSize:X} after FirstPage 0x{firstPage:X}.");
        }

        // Reading the bitmap must be paid for by pages too, before it is read: a sparse 4 GiB of zeros with no page stored
        // took over 10 s to count. Past MaxBitmapBytesWithoutPages, the bitmap may be no larger than the pages the header
        // says are stored (a real machine's bitmap is 1/32768 of its memory, and a dump stores far more than that).
        if (bitmapBytes > MaxBitmapBytesWithoutPages && (ulong)bitmapBytes / PageSize > present)
        {
            throw new InvalidDumpException(At + DumpHeader64.BitmapBits, $"The bitmap claims 0x{bits:X} bits (0x{bitmapBytes:X} bytes), but the header counts only 0x{present:X} stored pages: a bitmap past 0x{MaxBitmapBytesWithoutPages:X} bytes may be no larger than the pages it stores.");
        }

        return (layout, bits, bitmapBytes, firstPage, present);
    }

    /// <summary>The bitmap's words up to the last one with a bit set, once its bits are counted and match the header's page count.</summary>
    private ulong[] ReadBitmapWords(long start, long bitmapBytes, ulong bits, ulong present)
    {
        const int At = DumpHeader64.BitmapHeaderOffset;
        // First pass, 1 MiB at a time and nothing kept: the bits set and the last word that has one. A sparse file's zeros
        // then cost reading time, not memory: the words kept end at the last page stored.
        var totalWords = (bitmapBytes + 7) / 8;
        var (set, usedWords) = ScanBitmap(start, bitmapBytes, bits, totalWords);
        if ((ulong)set != present)
        {
            throw new InvalidDumpException(At + DumpHeader64.BitmapPresentPages, $"The bitmap header counts 0x{present:X} pages; the bitmap has 0x{set:X} bits set.");
        }

        if (usedWords > MaxBitmapBytes / 8)
        {
            throw new InvalidDumpException(start, $"The bitmap's set bits reach 0x{usedWords * 8:X} bytes into it, more than the 0x{MaxBitmapBytes:X} bytes (a 32 TiB machine) this reader holds.");
        }

        var words = new ulong[usedWords];
        _file.ReadAt(start, System.Runtime.InteropServices.MemoryMarshal.AsBytes(words.AsSpan()).Slice(0, (int)Math.Min(bitmapBytes, usedWords * 8)), "the bitmap");
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(words, words); // the file's words are little-endian
        }

        if (usedWords == totalWords && bits % 64 != 0)
        {
            words[^1] &= (1UL << (int)(bits % 64)) - 1; // bits past the count are not pages
        }

        return words;
    }

    /// <summary>The pages stored before each group of <see cref="RankWords"/> words: a page's place in the file is its group's rank plus the bits before it.</summary>
    private static long[] Ranks(ulong[] words, out long counted)
    {
        var rank = new long[(words.Length + RankWords - 1) / RankWords];
        counted = 0L;
        for (var i = 0; i < words.Length; i++)
        {
            if (i % RankWords == 0)
            {
                rank[i / RankWords] = counted;
            }

            counted += BitOperations.PopCount(words[i]);
        }

        return rank;
    }

    /// <summary>Counts the bits set in the bitmap and finds the word just past the last one that has any, without keeping it.</summary>
    private (long Set, long UsedWords) ScanBitmap(long start, long bitmapBytes, ulong bits, long totalWords)
    {
        var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            var (set, used) = (0L, 0L);
            for (var offset = 0L; offset < bitmapBytes; offset += buffer.Length)
            {
                var length = (int)Math.Min(buffer.Length, bitmapBytes - offset);
                var chunk = buffer.AsSpan(0, (length + 7) & ~7);
                chunk[length..].Clear(); // the last word's bytes past the bitmap
                _file.ReadAt(start + offset, chunk[..length], "the bitmap");
                for (var i = 0; i < chunk.Length; i += 8)
                {
                    var index = (offset + i) / 8;
                    var word = BinaryPrimitives.ReadUInt64LittleEndian(chunk[i..]);
                    if (index == totalWords - 1 && bits % 64 != 0)
                    {
                        word &= (1UL << (int)(bits % 64)) - 1; // bits past the count are not pages
                    }

                    if (word != 0)
                    {
                        set += BitOperations.PopCount(word);
                        used = index + 1;
                    }
                }
            }

            return (set, used);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
