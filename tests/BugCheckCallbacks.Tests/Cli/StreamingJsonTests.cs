using System.Buffers.Binary;
using System.Text;
using System.Text.Json;
using BugCheckCallbacks.Cli;
using BugCheckCallbacks.Cli.Reading;

namespace BugCheckCallbacks.Tests.Cli;

/// <summary>--json is written as it is serialized: lazy lists (enumtag's tags, show's runs) stream through <see cref="TextWriterStream"/>.</summary>
public sealed class StreamingJsonTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bugcheck-streaming-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Enumtag_json_of_a_hundred_thousand_tags_lists_every_one()
    {
        const int Count = 100_000;
        var path = Region("region.bin", Count, i => new Guid(i + 1, 0, 0, new byte[8]));
        var result = CliRunner.Run("enumtag", path, "--json");
        result.Exit.Should().Be(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var tags = json.RootElement.GetProperty("files")[0].GetProperty("tags");
        tags.GetArrayLength().Should().Be(Count);
        tags[Count - 1].GetProperty("tag").GetGuid().Should().Be(new Guid(Count, 0, 0, new byte[8]));
    }

    [Fact]
    public void A_hundred_thousand_blocks_with_one_tag_are_numbered_in_one_pass()
    {
        const int Count = 100_000;
        var path = Region("one-tag.bin", Count, _ => new Guid(7, 0, 0, new byte[8])); // the same tag every time: numbering was quadratic
        using var json = JsonDocument.Parse(CliRunner.Run("enumtag", path, "--json").Out);
        var tags = json.RootElement.GetProperty("files")[0].GetProperty("tags");
        tags[Count - 1].GetProperty("part").GetString().Should().Be("block 100000 of 100000 with this tag");
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("a", "1/1")]
    [InlineData("aab", "1/2 2/2 1/1")]
    [InlineData("abba", "1/1 1/2 2/2 1/1")]
    [InlineData("aaa", "1/3 2/3 3/3")]
    public void Block_runs_number_each_item_within_its_run(string items, string expected)
    {
        var positions = BugCheckCallbacks.Cli.Reading.BlockRuns.Positions(items.ToCharArray(), (a, b) => a == b);
        string.Join(' ', positions.Select(p => $"{p.Part}/{p.Of}")).Should().Be(expected);
    }

    [Fact]
    public void A_character_split_across_two_writes_comes_out_whole()
    {
        var text = new StringWriter();
        var bytes = Encoding.UTF8.GetBytes("a é € 𝄞 z");
        using (var stream = new TextWriterStream(text))
        {
            for (var i = 0; i < bytes.Length; i++)
            {
                stream.Write(bytes, i, 1); // one byte at a time: every multi-byte character is split
            }
        }

        text.ToString().Should().Be("a é € 𝄞 z");
    }

    [Fact]
    public void The_stream_only_writes()
    {
        using var stream = new TextWriterStream(TextWriter.Null);
        (stream.CanRead, stream.CanSeek, stream.CanWrite).Should().Be((false, false, true));
        stream.Invoking(s => s.Read(new byte[1], 0, 1)).Should().Throw<NotSupportedException>();
        stream.Invoking(s => s.Seek(0, SeekOrigin.Begin)).Should().Throw<NotSupportedException>();
        stream.Invoking(s => s.Length).Should().Throw<NotSupportedException>();
    }

    /// <summary>A bare DumpBlob region of <paramref name="count"/> empty blobs, built by hand, tagged by <paramref name="tag"/>.</summary>
    private string Region(string name, int count, Func<int, Guid> tag)
    {
        var region = new byte[16 + (count * 32)];
        "DumpBlob"u8.CopyTo(region);
        BinaryPrimitives.WriteUInt32LittleEndian(region.AsSpan(8), 0x10);
        BinaryPrimitives.WriteUInt32LittleEndian(region.AsSpan(12), 26100);
        for (var i = 0; i < count; i++)
        {
            var at = region.AsSpan(16 + (i * 32));
            BinaryPrimitives.WriteUInt32LittleEndian(at, 0x20);
            tag(i).TryWriteBytes(at[4..20]);
        }

        var path = Path.Combine(_folder, name);
        File.WriteAllBytes(path, region);
        return path;
    }
}
