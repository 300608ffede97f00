using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// The product's dump path at 1 GiB: a simulated bug check of a machine with 1 GiB of physical memory writing its
/// complete dump through <see cref="DumpFileWriter"/>, against a plain 1 GiB file copy; then listing the tags of that
/// dump (the bytes it reads are printed once). Files go to the temporary folder.
/// </summary>
[BenchmarkCategory("DumpFile")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class DumpFileBenchmarks
{
    private const int Mebibytes = 1024;
    private const int PieceBytes = 1 << 20;
    private static readonly Guid s_tag = Guid.Parse("be0c4b00-0000-4000-8000-000000000001");
    private readonly byte[] _log = new byte[4096];
    private string _source = null!;
    private string _target = null!;
    private string _dump = null!;

    [GlobalSetup]
    public void Setup()
    {
        var folder = Path.GetTempPath();
        _source = Path.Combine(folder, "bcb-source.bin");
        _target = Path.Combine(folder, "bcb-target.bin");
        _dump = Path.Combine(folder, "bcb-dump.dmp");
        var piece = new byte[PieceBytes];
        Random.Shared.NextBytes(piece);
        using (var source = new FileStream(_source, FileMode.Create, FileAccess.Write, FileShare.None, PieceBytes))
        {
            for (var i = 0; i < Mebibytes; i++)
            {
                source.Write(piece);
            }
        }

        WriteDump();
        using var counting = new CountingStream(File.OpenRead(_dump));
        using (var dump = DumpFile.Open(counting, leaveOpen: true))
        {
            var tags = dump.EnumerateTags().Count();
            Console.WriteLine($"// listing {tags} tag(s) of a {dump.Length >> 20} MiB dump read {counting.BytesRead} bytes in {counting.Reads} reads");
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        File.Delete(_source);
        File.Delete(_target);
        File.Delete(_dump);
    }

    [Benchmark(Baseline = true, Description = "plain 1 GiB file copy")]
    public void CopyFile()
    {
        using var source = new FileStream(_source, FileMode.Open, FileAccess.Read, FileShare.Read, PieceBytes);
        using var target = new FileStream(_target, FileMode.Create, FileAccess.Write, FileShare.None, PieceBytes);
        source.CopyTo(target, PieceBytes);
    }

    [Benchmark(Description = "bug check writing a 1 GiB complete dump")]
    public long WriteDump()
    {
        var kernel = new SimulatedKernel(BenchmarkMachine.Complete(Mebibytes));
        kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, data) =>
        {
            var d = (SecondaryDumpData)data!;
            if (d.IsSizeQuery)
            {
                d.OutBufferLength = (uint)_log.Length;
            }
            else
            {
                d.Guid = s_tag;
                d.SetOutput(_log);
            }
        }, BugCheckCallbackReason.SecondaryDumpData, "bench.sys");
        using var writer = DumpFileWriter.Create(_dump);
        kernel.KeBugCheckEx(0xD1, sink: writer);
        return writer.BytesWritten;
    }

    [Benchmark(Description = "list the tags of a 1 GiB dump")]
    public int ListTags()
    {
        using var dump = DumpFile.Open(_dump);
        return dump.EnumerateTags().Count();
    }

    /// <summary>Counts what a reader reads.</summary>
    private sealed class CountingStream(Stream inner) : Stream
    {
        public long BytesRead { get; private set; }

        public int Reads { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var read = inner.Read(buffer);
            BytesRead += read;
            Reads++;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
