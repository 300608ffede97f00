using System.Buffers.Binary;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Dump;

public sealed class DumpBlobTests
{
    private static readonly Guid s_one = Guid.Parse("01234567-89ab-cdef-0123-456789abcdef");
    private static readonly Guid s_two = Guid.Parse("fedcba98-7654-3210-fedc-ba9876543210");

    /// <summary>An encoder written from the layout description alone, independent of the library's.</summary>
    internal static byte[] EncodeRegion(uint build, params (Guid Tag, byte[] Data)[] blobs)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        writer.Write("DumpBlob"u8);
        writer.Write(0x10u);
        writer.Write(build);
        foreach (var (tag, data) in blobs)
        {
            var pad = (8 - (data.Length % 8)) % 8;
            writer.Write(0x20u);
            writer.Write(tag.ToByteArray());
            writer.Write((uint)data.Length);
            writer.Write(0u);
            writer.Write((uint)pad);
            writer.Write(data);
            writer.Write(new byte[pad]);
        }

        return stream.ToArray();
    }

    [Fact]
    public void Library_encoder_matches_the_independent_encoder_byte_for_byte()
    {
        var data = "0123456789"u8.ToArray();
        var expected = EncodeRegion(22631, (s_one, data));
        var actual = new byte[0x10 + 0x20 + 16];
        DumpBlob.WriteFileHeader(actual, 22631);
        DumpBlob.WriteBlobHeader(actual.AsSpan(0x10), s_one, (uint)data.Length).Should().Be(6);
        data.CopyTo(actual, 0x30);
        actual.Should().Equal(expected);
    }

    [Fact]
    public void Blob_header_fields_sit_at_their_offsets()
    {
        var header = new byte[0x20];
        DumpBlob.WriteBlobHeader(header, s_one, 13);
        BinaryPrimitives.ReadUInt32LittleEndian(header).Should().Be(0x20);
        new Guid(header.AsSpan(4, 16)).Should().Be(s_one);
        BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x14)).Should().Be(13);
        BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x18)).Should().Be(0);
        BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(0x1C)).Should().Be(3);
        DumpBlob.TryReadBlobHeader(header, out var read).Should().BeTrue();
        read.Should().Be(new DumpBlobHeader(0x20, s_one, 13, 0, 3));
        read.TotalSize.Should().Be(0x30);
    }

    [Fact]
    public void Short_buffers_are_rejected()
    {
        var file = () => DumpBlob.WriteFileHeader(new byte[15], 1);
        file.Should().Throw<ArgumentException>().WithParameterName("destination");
        var blob = () => DumpBlob.WriteBlobHeader(new byte[31], s_one, 1);
        blob.Should().Throw<ArgumentException>().WithParameterName("destination");
        DumpBlob.TryReadFileHeader(new byte[15], out _).Should().BeFalse();
        DumpBlob.TryReadBlobHeader(new byte[31], out _).Should().BeFalse();
    }

    [Fact]
    public void Reader_lists_tags_like_enumtag_and_reads_the_first_match()
    {
        var region = EncodeRegion(19041, (s_one, [1, 2, 3]), (s_two, new byte[20]), (s_one, [9, 9]));
        using var reader = DumpBlobReader.Open(new MemoryStream(region));
        reader.BuildNumber.Should().Be(19041);
        reader.EnumerateTags().Select(t => (t.Tag, t.Size, t.Offset)).Should().Equal((s_one, 3u, 0x30L), (s_two, 20u, 0x58L), (s_one, 2u, 0x90L));

        var buffer = new byte[8];
        reader.ReadTagged(s_one, buffer, out var total).Should().Be(3);
        total.Should().Be(3);
        buffer[..3].Should().Equal(1, 2, 3);
    }

    [Fact]
    public void A_short_buffer_gets_a_partial_copy_and_the_full_size()
    {
        var data = Enumerable.Range(0, 100).Select(i => (byte)i).ToArray();
        using var reader = DumpBlobReader.Open(new MemoryStream(EncodeRegion(1, (s_one, data))));
        var buffer = new byte[10];
        reader.ReadTagged(s_one, buffer, out var total).Should().Be(10);
        total.Should().Be(100);
        buffer.Should().Equal(data[..10]);
        reader.TryReadTagged(s_one, 95, buffer, out var read, out total).Should().BeTrue();
        (read, total).Should().Be((5, 100u));
        buffer[..5].Should().Equal(data[95..]);
        reader.TryReadTagged(s_one, 100, buffer, out read, out _).Should().BeTrue();
        read.Should().Be(0);
        var past = () => reader.TryReadTagged(s_one, 101, buffer, out _, out _);
        past.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("offset");
    }

    [Fact]
    public void A_missing_tag_is_reported()
    {
        using var reader = DumpBlobReader.Open(new MemoryStream(EncodeRegion(1, (s_one, [1]))));
        reader.TryReadTagged(s_two, 0, new byte[4], out var read, out var total).Should().BeFalse();
        (read, total).Should().Be((0, 0u));
        var act = () => reader.ReadTagged(s_two, new byte[4], out _);
        act.Should().Throw<KeyNotFoundException>();
        var open = () => reader.OpenTag(s_two);
        open.Should().Throw<KeyNotFoundException>();
    }

    [Fact]
    public void OpenTag_streams_the_data()
    {
        var data = Enumerable.Range(0, 50).Select(i => (byte)(i * 3)).ToArray();
        using var reader = DumpBlobReader.Open(new MemoryStream(EncodeRegion(1, (s_two, [7]), (s_one, data))));
        using var stream = reader.OpenTag(s_one);
        stream.Length.Should().Be(50);
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        copy.ToArray().Should().Equal(data);
    }

    [Theory]
    [InlineData(0x10 + 0x20 + 8 + 0)] // the second header's HeaderSize
    [InlineData(0x10 + 0x20 + 8 + 0x14)] // the second header's DataSize
    public void Reading_stops_at_the_first_invalid_header(int corruptAt)
    {
        var region = EncodeRegion(1, (s_one, new byte[8]), (s_two, new byte[8]), (s_one, new byte[8]));
        region[corruptAt] = 0xFF;
        region[corruptAt + 1] = 0xFF;
        using var reader = DumpBlobReader.Open(new MemoryStream(region));
        reader.EnumerateTags().Select(t => t.Tag).Should().Equal(s_one);
    }

    [Fact]
    public void A_region_cut_short_lists_only_whole_blobs()
    {
        var region = EncodeRegion(1, (s_one, new byte[8]), (s_two, new byte[8]));
        using var reader = DumpBlobReader.Open(new MemoryStream(region[..^4]));
        reader.EnumerateTags().Select(t => t.Tag).Should().Equal(s_one);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(15)]
    public void A_region_shorter_than_its_header_is_invalid(int length)
    {
        var act = () => DumpBlobReader.Open(new MemoryStream(EncodeRegion(1)[..length]));
        act.Should().Throw<InvalidDumpException>().Which.Offset.Should().Be(0);
    }

    [Fact]
    public void A_region_without_the_signature_is_invalid()
    {
        var region = EncodeRegion(1);
        region[0] = (byte)'d';
        var act = () => DumpBlobReader.Open(new MemoryStream(region));
        act.Should().Throw<InvalidDumpException>().WithMessage("*DumpBlob*");
    }

    [Fact]
    public void Open_checks_its_arguments()
    {
        var nullStream = () => DumpBlobReader.Open((Stream)null!);
        nullStream.Should().Throw<ArgumentNullException>().WithParameterName("stream");
        var nullPath = () => DumpBlobReader.Open((string)null!);
        nullPath.Should().Throw<ArgumentException>().WithParameterName("path");
        var writeOnly = () => DumpBlobReader.Open(new WriteOnlyStream());
        writeOnly.Should().Throw<ArgumentException>().WithParameterName("stream");
    }

    [Fact]
    public void Open_reads_a_bare_region_file()
    {
        var path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, EncodeRegion(7, (s_one, [5])));
            using var reader = DumpBlobReader.Open(path);
            reader.EnumerateTags().Single().Tag.Should().Be(s_one);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void A_disposed_reader_refuses_work()
    {
        var reader = DumpBlobReader.Open(new MemoryStream(EncodeRegion(1, (s_one, [5]))));
        reader.Dispose();
        reader.Dispose();
        var act = () => reader.EnumerateTags();
        act.Should().Throw<ObjectDisposedException>();
    }

    [Fact]
    public void Known_tags_have_friendly_names()
    {
        KnownTags.GetFriendlyName(KnownTags.WdfDumpGuid).Should().Contain("KMDF");
        KnownTags.GetFriendlyName(KnownTags.WdfDumpGuid2).Should().Contain("KMDF");
        KnownTags.GetFriendlyName(Guid.NewGuid()).Should().BeNull();
        using var reader = DumpBlobReader.Open(new MemoryStream(EncodeRegion(1, (KnownTags.WdfDumpGuid, [1]))));
        reader.EnumerateTags().Single().FriendlyName.Should().Be("KMDF IFR log (WdfDumpGuid)");
    }

    private sealed class WriteOnlyStream : MemoryStream
    {
        public override bool CanRead => false;
    }
}
