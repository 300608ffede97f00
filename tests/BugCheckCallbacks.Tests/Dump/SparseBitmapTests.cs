using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// A sparse file does not get to claim memory or time: a bitmap that fills a 512 MiB sparse file costs reading time, not
/// RAM, a bitmap larger than the pages it stores (past 64 MiB) is refused with its offset, and the DumpBlob header is
/// looked for at most 64 MiB past the body, not to the end of a sparse 64 GiB.
/// </summary>
public sealed class SparseBitmapTests : IDisposable
{
    private const long BitmapBytes = 512L << 20;
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"bugcheck-sparse-{Guid.NewGuid():N}.dmp");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public void An_empty_bitmap_filling_a_sparse_file_is_refused_before_it_is_read()
    {
        // A 4 GiB one kept enumtag busy past 10 s counting zeros; 512 MiB with no page stored is refused at once.
        Write(setLastBit: false);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var open = () => DumpFile.Open(_path);

        open.Should().Throw<InvalidDumpException>().Where(e => e.Offset == DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapBits)
            .WithMessage("*header counts only 0x0 stored pages*may be no larger than the pages it stores*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20, "nothing of the bitmap is read");
    }

    [Fact]
    public void A_bitmap_up_to_64_MiB_with_no_page_opens()
    {
        var header = DumpFileTests.Write(DumpType.BitmapFull).File.AsSpan(0, 0x2038).ToArray();
        const long Bytes = 64L << 20;
        var firstPage = (0x2038 + Bytes + 0xFFF) & ~0xFFFL;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(DumpHeader64.RequiredDumpSpace), firstPage);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapFirstPage), firstPage);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapPresentPages), 0);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapBits), (ulong)Bytes * 8);
        using (var file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(header);
            file.SetLength(firstPage);
        }

        using var dump = DumpFile.Open(_path);
        (dump.StoredPageCount, dump.EnumerateStoredRuns().Any()).Should().Be((0UL, false));
    }

    [Fact]
    public void One_bit_at_the_end_of_a_sparse_bitmap_is_refused_with_its_offset()
    {
        Write(setLastBit: true);
        var open = () => DumpFile.Open(_path);
        open.Should().Throw<InvalidDumpException>()
            .Where(e => e.Offset == DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapBits)
            .WithMessage("*header counts only 0x1 stored pages*may be no larger than the pages it stores*");
    }

    [Theory]
    [InlineData(0L, true)]
    [InlineData(32L << 20, true)]
    [InlineData(80L << 20, false)]
    public void The_region_is_looked_for_up_to_64_MiB_past_the_body(long padding, bool found)
    {
        var bytes = DumpFileTests.Write(DumpType.Summary).File;
        long bodyEnd, region;
        using (var original = DumpFileTests.Open(bytes))
        {
            (bodyEnd, region) = (original.BodyEnd, original.SecondaryDataOffset);
        }

        var length = bodyEnd + padding + (bytes.Length - region);
        var head = bytes[..(int)bodyEnd];
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(DumpHeader64.RequiredDumpSpace), length);
        using (var file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(head);
            file.Position = bodyEnd + padding; // the gap is never written: sparse
            file.Write(bytes.AsSpan((int)region));
        }

        using var dump = DumpFile.Open(_path);
        dump.HasSecondaryData.Should().Be(found);
        if (found)
        {
            dump.SecondaryDataOffset.Should().Be(bodyEnd + padding);
            dump.EnumerateTags().Should().NotBeEmpty();
        }
    }

    [Fact]
    public void A_sparse_64_GiB_gap_after_the_body_is_not_read_to_its_end()
    {
        var bytes = DumpFileTests.Write(DumpType.Summary).File;
        using var original = DumpFileTests.Open(bytes);
        var head = bytes[..(int)original.BodyEnd];
        BinaryPrimitives.WriteInt64LittleEndian(head.AsSpan(DumpHeader64.RequiredDumpSpace), 64L << 30);
        using (var file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write))
        {
            file.Write(head);
            file.SetLength(64L << 30);
        }

        using var dump = DumpFile.Open(_path);
        var before = GC.GetAllocatedBytesForCurrentThread();
        dump.HasSecondaryData.Should().BeFalse("nothing within 64 MiB of the body is a DumpBlob header");
        dump.EnumerateTags().Should().BeEmpty();
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20);
    }

    /// <summary>A bitmap dump's header, then a bitmap of 512 MiB (zeros, never written: the file is sparse) and one page.</summary>
    private void Write(bool setLastBit)
    {
        var header = DumpFileTests.Write(DumpType.BitmapFull).File.AsSpan(0, 0x2038).ToArray();
        var firstPage = (0x2038 + BitmapBytes + 0xFFF) & ~0xFFFL;
        var length = firstPage + 0x1000;
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(DumpHeader64.RequiredDumpSpace), length);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapFirstPage), firstPage);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapPresentPages), setLastBit ? 1UL : 0UL);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(DumpHeader64.BitmapHeaderOffset + DumpHeader64.BitmapBits), (ulong)BitmapBytes * 8);
        using var file = new FileStream(_path, FileMode.CreateNew, FileAccess.Write);
        file.Write(header);
        file.SetLength(length);
        if (setLastBit)
        {
            file.Position = 0x2038 + BitmapBytes - 1;
            file.WriteByte(0x80); // the very last page frame
        }
    }
}
