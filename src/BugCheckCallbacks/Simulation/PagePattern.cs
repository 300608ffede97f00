using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// What a simulated page holds: its region's content (or what its renderer writes), and past the content, in every
/// aligned 8-byte little-endian word, that word's own address, so any reader can check a page it reads.
/// </summary>
internal static class PagePattern
{
    /// <summary>Fills <paramref name="page"/> from <paramref name="region"/> at <paramref name="offset"/>; <paramref name="address"/> is the page's address in the pattern.</summary>
    public static void Fill(MemoryRegion region, ulong offset, ulong address, Span<byte> page)
    {
        if (region.Renderer is { } render)
        {
            render(offset, page);
            return;
        }

        var content = region.Content.Span;
        var fromContent = offset < (ulong)content.Length ? Math.Min(page.Length, content.Length - (int)offset) : 0;
        content.Slice((int)Math.Min(offset, (ulong)content.Length), fromContent).CopyTo(page);
        FillPattern(address + (ulong)fromContent, page[fromContent..]);
    }

    public static void FillPattern(ulong address, Span<byte> destination)
    {
        // Every aligned 8-byte word holds its own address: recognizable in a hex dump and checkable by readers.
        var head = (int)Math.Min((ulong)destination.Length, (8 - (address & 7)) & 7);
        FillPatternSlow(address, destination[..head]);
        address += (ulong)head;
        destination = destination[head..];

        var words = MemoryMarshal.Cast<byte, ulong>(destination);
        for (var i = 0; i < words.Length; i++)
        {
            var value = address + ((ulong)i * 8);
            words[i] = BitConverter.IsLittleEndian ? value : BinaryPrimitives.ReverseEndianness(value);
        }

        var done = words.Length * 8;
        FillPatternSlow(address + (ulong)done, destination[done..]);
    }

    private static void FillPatternSlow(ulong address, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        for (var i = 0; i < destination.Length;)
        {
            var current = address + (ulong)i;
            var wordStart = current & ~7UL;
            BinaryPrimitives.WriteUInt64LittleEndian(word, wordStart);
            var from = (int)(current - wordStart);
            var take = Math.Min(8 - from, destination.Length - i);
            word.Slice(from, take).CopyTo(destination[i..]);
            i += take;
        }
    }
}
