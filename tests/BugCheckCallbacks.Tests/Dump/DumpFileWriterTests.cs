using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

public sealed class DumpFileWriterTests
{
    private static readonly Guid s_tag = Guid.Parse("f11e0000-0000-0000-0000-000000000001");

    [Fact]
    public void A_stream_that_cannot_seek_receives_the_whole_dump_in_file_order()
    {
        var bytes = new MemoryStream();
        using (var writer = new DumpFileWriter(new AppendOnlyStream(bytes), leaveOpen: true))
        {
            var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Full, MemoryMap = DumpFileTests.TinyMachine });
            kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "log.sys", Callbacks.SecondaryWriter(s_tag, "a log"u8.ToArray()));
            kernel.KeBugCheckEx(0x1, sink: writer).Violations.Should().BeEmpty();
            writer.IsCompleted.Should().BeTrue();
            writer.BytesWritten.Should().Be(bytes.Length);
        }

        using var dump = DumpFile.Open(new MemoryStream(bytes.ToArray()));
        dump.Header.RequiredDumpSpace.Should().Be(bytes.Length);
        dump.ReadTagged(s_tag).Should().Equal("a log"u8.ToArray());
    }

    [Theory]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.BitmapKernel)]
    [InlineData(DumpType.Header)]
    public void ExpectedLength_is_the_headers_length_of_the_whole_dump_once_the_header_is_written(DumpType dumpType)
    {
        var bytes = new MemoryStream();
        using var writer = new DumpFileWriter(bytes, leaveOpen: true);
        long? before = 0;
        var sink = new FirstWriteProbe(writer, () => before = writer.ExpectedLength);

        new SimulatedKernel(new SimulationOptions { DumpType = dumpType, MemoryMap = DumpFileTests.TinyMachine }).KeBugCheckEx(0x1, sink: sink);

        before.Should().BeNull("nothing tells the length before the header is written");
        writer.ExpectedLength.Should().Be(bytes.Length);
    }

    /// <summary>Reads something of the writer just before the first write reaches it.</summary>
    private sealed class FirstWriteProbe(DumpFileWriter writer, Action beforeFirst) : IDumpSink
    {
        private bool _first = true;

        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            if (_first)
            {
                beforeFirst();
                _first = false;
            }

            writer.Write(offset, data);
        }

        public void Complete() => writer.Complete();
    }

    [Fact]
    public void A_stream_that_cannot_seek_refuses_a_write_that_is_not_at_the_end_and_keeps_what_it_has()
    {
        var bytes = new MemoryStream();
        using var writer = new DumpFileWriter(new AppendOnlyStream(bytes), leaveOpen: true);
        writer.Write(0, new byte[16]);

        var act = () => writer.Write(0, new byte[16]);

        act.Should().Throw<InvalidOperationException>().WithMessage("*cannot seek*0x0 is not at the file's end, 0x10*");
        (writer.BytesWritten, bytes.Length).Should().Be((16L, 16L));
    }

    [Fact]
    public void The_constructor_refuses_null_and_a_stream_that_cannot_write()
    {
        var none = () => new DumpFileWriter(null!);
        none.Should().Throw<ArgumentNullException>().WithParameterName("stream");
        var readOnly = () => new DumpFileWriter(new MemoryStream([], writable: false));
        readOnly.Should().Throw<ArgumentException>().WithParameterName("stream").WithMessage("*must support writing*");
    }

    [Fact]
    public void A_completed_or_disposed_writer_refuses_more()
    {
        var writer = new DumpFileWriter(new MemoryStream());
        writer.Complete();
        writer.Invoking(w => w.Write(0, new byte[1])).Should().Throw<InvalidOperationException>().WithMessage("The dump is complete.");
        writer.Dispose();
        writer.Invoking(w => w.Complete()).Should().Throw<ObjectDisposedException>();
        writer.Invoking(w => w.Write(-1, new byte[1])).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("offset");
    }

    /// <summary>A write-only stream that cannot seek, like a pipe: every write is appended.</summary>
    private sealed class AppendOnlyStream(MemoryStream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(ReadOnlySpan<byte> buffer) => inner.Write(buffer);

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
