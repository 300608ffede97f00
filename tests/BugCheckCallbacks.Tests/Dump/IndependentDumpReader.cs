using System.Buffers.Binary;
using System.Text;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// A second reader of x64 kernel dumps, written from KERNEL-DUMP.md alone and sharing no code with the library's, so the
/// two can be compared on every dump the tests write. Simple on purpose: the whole file in memory, a dictionary of pages.
/// </summary>
internal sealed class IndependentDumpReader
{
    private readonly byte[] _file;
    private readonly Dictionary<ulong, int> _pageOffsets = [];

    public IndependentDumpReader(byte[] file)
    {
        _file = file;
        Encoding.ASCII.GetString(file, 0, 8).Should().Be("PAGEDU64");
        DumpType = U32(0xF98);
        DirectoryTableBase = U64(0x10);
        BugCheckCode = U32(0x38);
        Parameters = [U64(0x40), U64(0x48), U64(0x50), U64(0x58)];
        RequiredDumpSpace = (long)U64(0xFA0);
        var runCount = (int)U32(0x88);
        for (var i = 0; i < runCount; i++)
        {
            Runs.Add((U64(0x98 + (i * 16)), U64(0xA0 + (i * 16))));
        }

        if (DumpType == 1)
        {
            var offset = 0x2000;
            foreach (var (basePage, count) in Runs)
            {
                for (var p = 0UL; p < count; p++, offset += 0x1000)
                {
                    _pageOffsets[basePage + p] = offset;
                }
            }

            PagesEnd = offset;
        }
        else
        {
            DumpType.Should().Be(5u);
            BitmapSignature = Encoding.ASCII.GetString(file, 0x2000, 4);
            Encoding.ASCII.GetString(file, 0x2004, 4).Should().Be("DUMP");
            var firstPage = (int)U64(0x2020);
            var present = U64(0x2028);
            var bits = U64(0x2030);
            (bits % 32).Should().Be(0, "both kdmp-parser and Volatility 3 read whole 32-bit words");
            (firstPage % 0x1000).Should().Be(0);
            var k = 0;
            for (var bit = 0UL; bit < bits; bit++)
            {
                if ((file[0x2038 + (int)(bit / 8)] & (1 << (int)(bit % 8))) != 0)
                {
                    _pageOffsets[bit] = firstPage + (k++ * 0x1000);
                }
            }

            ((ulong)k).Should().Be(present);
            PagesEnd = firstPage + (k * 0x1000);
        }
    }

    public uint DumpType { get; }

    public string? BitmapSignature { get; }

    public ulong DirectoryTableBase { get; }

    public uint BugCheckCode { get; }

    public ulong[] Parameters { get; }

    public long RequiredDumpSpace { get; }

    public List<(ulong BasePage, ulong Count)> Runs { get; } = [];

    public int PagesEnd { get; }

    public IEnumerable<ulong> StoredPages => _pageOffsets.Keys.Order();

    public byte[]? Page(ulong frame) => _pageOffsets.TryGetValue(frame, out var offset) ? _file.AsSpan(offset, 0x1000).ToArray() : null;

    /// <summary>PML4 → PDPT → PD → PT, 4 KiB pages only (the simulation writes no large pages).</summary>
    public ulong? Translate(ulong va)
    {
        var table = DirectoryTableBase & ~0xFFFUL;
        for (var shift = 39; shift >= 12; shift -= 9)
        {
            var page = Page(table >> 12);
            if (page is null)
            {
                return null;
            }

            var entry = BinaryPrimitives.ReadUInt64LittleEndian(page.AsSpan((int)((va >> shift) & 0x1FF) * 8));
            if ((entry & 1) == 0)
            {
                return null;
            }

            table = entry & 0x000F_FFFF_FFFF_F000;
        }

        return table | (va & 0xFFF);
    }

    /// <summary>The DumpBlob region: right after the pages, up to RequiredDumpSpace; its blobs as (tag, data).</summary>
    public List<(Guid Tag, byte[] Data)> Blobs()
    {
        var blobs = new List<(Guid, byte[])>();
        if (RequiredDumpSpace <= PagesEnd)
        {
            return blobs;
        }

        Encoding.ASCII.GetString(_file, PagesEnd, 8).Should().Be("DumpBlob");
        for (var at = PagesEnd + 0x10; at + 0x20 <= RequiredDumpSpace;)
        {
            var headerSize = (int)U32(at);
            if (headerSize != 0x20)
            {
                break;
            }

            var size = (int)U32(at + 20);
            var prePad = (int)U32(at + 24);
            var postPad = (int)U32(at + 28);
            blobs.Add((new Guid(_file.AsSpan(at + 4, 16)), _file.AsSpan(at + 0x20 + prePad, size).ToArray()));
            at += 0x20 + prePad + size + postPad;
        }

        return blobs;
    }

    private uint U32(int offset) => BinaryPrimitives.ReadUInt32LittleEndian(_file.AsSpan(offset));

    private ulong U64(int offset) => BinaryPrimitives.ReadUInt64LittleEndian(_file.AsSpan(offset));
}
