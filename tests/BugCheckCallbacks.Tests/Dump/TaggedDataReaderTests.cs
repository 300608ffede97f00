using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>The dump file, the bare region and the in-memory sink read tags with one shape and one missing-tag rule.</summary>
public sealed class TaggedDataReaderTests
{
    private static readonly Guid s_log = Guid.Parse("7a6a7a6a-1000-4000-8000-000000000001");
    private static readonly Guid s_ring = Guid.Parse("7a6a7a6a-1000-4000-8000-000000000002");
    private static readonly byte[] s_first = "first"u8.ToArray();
    private static readonly byte[] s_second = "second"u8.ToArray();
    private static readonly byte[] s_logData = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();

    public static TheoryData<string> Readers() => ["dump file", "region", "in-memory sink"];

    /// <summary>A bug check with one blob and two parts sharing a tag, read back through the reader named.</summary>
    private static (ITaggedDataReader Reader, IDisposable? Owner) Open(string kind)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "log.sys", Callbacks.SecondaryWriter(s_log, s_logData));
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "ring.sys", (_, _, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            d.Guid = s_ring;
            d.SetOutput(d.Context == 0 ? s_first : s_second);
            d.Flags = d.Context == 0 ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
            d.Context++;
        });
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0xD1, sink: sink);
        switch (kind)
        {
            case "dump file":
                var dump = sink.Open();
                return (dump, dump);
            case "region":
                var file = sink.Open();
                return (file.OpenSecondaryData(), file);
            default:
                return (sink, null);
        }
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Every_reader_lists_and_reads_the_same_blocks(string kind)
    {
        var (reader, owner) = Open(kind);
        using var lifetime = owner;

        reader.EnumerateTags().Select(t => (t.Tag, t.Size)).Should().Equal((s_log, 300u), (s_ring, 5u), (s_ring, 6u));
        reader.ReadTagged(s_log).Should().Equal(s_logData);
        reader.ReadTagged(s_ring).Should().Equal("first"u8.ToArray(), "a shared tag reads its first block, as ReadTagged does");

        var buffer = new byte[10];
        reader.ReadTagged(s_log, buffer, out var total).Should().Be(10);
        (total, buffer[9]).Should().Be((300u, (byte)9));
        reader.TryReadTagged(s_log, 295, buffer, out var read, out total).Should().BeTrue();
        (read, total, buffer[0]).Should().Be((5, 300u, (byte)39)); // byte 295 of 0..299 as bytes is 295 & 0xFF = 39
        using var stream = reader.OpenTag(s_log);
        stream.Length.Should().Be(300);
    }

    [Theory]
    [MemberData(nameof(Readers))]
    public void Every_reader_answers_a_missing_tag_the_same_way(string kind)
    {
        var (reader, owner) = Open(kind);
        using var lifetime = owner;
        var missing = Guid.NewGuid();
        var buffer = new byte[4];

        reader.TryReadTagged(missing, 0, buffer, out var read, out var total).Should().BeFalse();
        (read, total).Should().Be((0, 0u));
        reader.Invoking(r => r.ReadTagged(missing, buffer, out _)).Should().Throw<KeyNotFoundException>().WithMessage($"*{missing}*");
        reader.Invoking(r => r.ReadTagged(missing)).Should().Throw<KeyNotFoundException>().WithMessage($"*{missing}*");
        reader.Invoking(r => r.OpenTag(missing)).Should().Throw<KeyNotFoundException>().WithMessage($"*{missing}*");
    }

    [Fact]
    public void A_sink_refuses_to_read_tags_before_the_dump_is_complete()
    {
        var sink = new InMemoryDumpSink();
        sink.Write(0, new byte[16]);

        sink.Invoking(s => s.EnumerateTags()).Should().Throw<InvalidOperationException>().WithMessage("*not complete*");
        sink.Invoking(s => s.ReadTagged(s_log)).Should().Throw<InvalidOperationException>();
    }

    [Fact]
    public void ReadTagged_of_a_null_reader_names_the_parameter()
    {
        var act = () => ((ITaggedDataReader)null!).ReadTagged(s_log);

        act.Should().Throw<ArgumentNullException>().WithParameterName("reader");
    }

    [Fact]
    public void A_sink_opens_its_dump_over_its_own_segments_and_reads_what_a_copy_reads()
    {
        var (reader, _) = Open("in-memory sink");
        var sink = (InMemoryDumpSink)reader;
        var bytes = sink.ToArray();
        using var dump = sink.Open();
        using var copy = DumpFile.Open(new MemoryStream(bytes));

        dump.Header.Should().BeEquivalentTo(copy.Header);
        var page = new byte[4096];
        var fromCopy = new byte[4096];
        foreach (var run in copy.Header.PhysicalMemoryRuns.Take(4))
        {
            dump.ReadPhysical(run.BasePage << 12, page).Should().Be(copy.ReadPhysical(run.BasePage << 12, fromCopy));
            page.Should().Equal(fromCopy);
        }
    }
}
