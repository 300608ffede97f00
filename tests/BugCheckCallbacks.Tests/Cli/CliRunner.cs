using System.Text.RegularExpressions;
using BugCheckCallbacks.Cli;
using BugCheckCallbacks.Cli.Reading;

namespace BugCheckCallbacks.Tests.Cli;

/// <summary>Runs the bugcheck entry point in-process and captures what it prints.</summary>
internal static partial class CliRunner
{
    public static CliResult Run(bool interactive, params string[] args) => Run(interactive, null, args);

    /// <summary>Runs on a terminal <paramref name="width"/> columns wide (or piped, when not interactive).</summary>
    public static CliResult Run(bool interactive, int? width, params string[] args)
    {
        var output = new StringWriter { NewLine = "\n" };
        var error = new StringWriter { NewLine = "\n" };
        var stdout = new MemoryStream();
        var context = new CliContext
        {
            Out = output,
            Error = error,
            OpenStandardOutput = () => new NonClosingStream(stdout),
            IsInteractive = interactive,
            TerminalWidth = width,
        };
        var exit = BugCheckCli.Run(args, context);
        return new CliResult(exit, output.ToString(), error.ToString(), stdout.ToArray());
    }

    public static CliResult Run(params string[] args) => Run(false, args);

    public static string TempPath(string extension) => Path.Combine(Path.GetTempPath(), $"bugcheck-test-{Guid.NewGuid():N}{extension}");

    /// <summary>Compares output with a committed snapshot; UPDATE_SNAPSHOTS=1 rewrites it instead.</summary>
    public static void MatchSnapshot(string actual, string name)
    {
        var path = Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Cli", "Snapshots", name + ".txt");
        if (Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
        }

        File.Exists(path).Should().BeTrue($"the snapshot {path} is committed (run with UPDATE_SNAPSHOTS=1 to create it)");
        actual.Should().Be(File.ReadAllText(path).ReplaceLineEndings("\n"));
    }

    /// <summary>Hides what differs between runs: file names and byte counts of written files.</summary>
    public static string Scrub(string text, string path) =>
        ByteCount().Replace(
            text.Replace(BugCheckCallbacks.Cli.Reading.OutcomeReport.PathFor(path), "<report>", StringComparison.Ordinal)
                .Replace(Path.ChangeExtension(path, ".symbols"), "<symbols>", StringComparison.Ordinal).Replace(path, "<dump>", StringComparison.Ordinal),
            "(<n> bytes)");

    [GeneratedRegex(@"\([0-9,]+ bytes\)")]
    private static partial Regex ByteCount();

    private sealed class NonClosingStream(Stream inner) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => inner.Write(buffer, offset, count);
    }
}

internal sealed record CliResult(int Exit, string Out, string Error, byte[] RawOut);
