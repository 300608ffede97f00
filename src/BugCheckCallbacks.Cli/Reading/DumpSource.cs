using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Reading;

/// <summary>Opens either an x64 kernel dump or a bare DumpBlob region, told apart by their first bytes.</summary>
internal sealed class DumpSource : IDisposable
{
    private DumpSource(DumpFile? dump, DumpBlobReader? blobs, BugCheckOutcome? report)
    {
        Dump = dump;
        Blobs = blobs;
        Report = report;
    }

    /// <summary>The kernel dump, or null for a bare DumpBlob region.</summary>
    public DumpFile? Dump { get; }

    /// <summary>The secondary-data region, or null when the dump has none.</summary>
    public DumpBlobReader? Blobs { get; }

    /// <summary>The outcome report found beside the dump, if any.</summary>
    public BugCheckOutcome? Report { get; }

    /// <summary>The tags, in region order, with the component that wrote each when the report says.</summary>
    public IEnumerable<DumpTag> Tags =>
        (Blobs?.EnumerateTags() ?? []).Select((tag, i) => Report is { } report && i < report.Blobs.Count && report.Blobs[i].Tag == tag.Tag
            ? tag with { Component = report.Blobs[i].Component }
            : tag);

    /// <summary>
    /// Each tag with what a reader wants next to it: which part it is when several blocks share the tag (the parts of
    /// multi-part data, in order, or a duplicate that the debugger's <c>.enumtag</c> shadows), and its first bytes.
    /// </summary>
    public IEnumerable<TagView> DescribeTags()
    {
        var tags = Tags.ToList();
        var reported = Report?.Blobs ?? [];
        var buffer = new byte[8];
        var positions = BlockRuns.Positions(tags, (a, b) => a.Tag == b.Tag);
        for (var i = 0; i < tags.Count; i++)
        {
            var (place, of) = positions[i];
            var known = i < reported.Count && reported[i].Tag == tags[i].Tag ? reported[i] : null;
            var part = of == 1 ? null
                : known?.Reason == BugCheckCallbackReason.SecondaryMultiPartDumpData ? $"part {place} of {of}"
                : known is { IsReadable: false } ? "duplicate tag: .enumtag reads the first"
                : $"block {place} of {of} with this tag";
            using var stream = Blobs!.OpenBlock(tags[i]);
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            yield return new TagView(tags[i], part, Preview(buffer.AsSpan(0, read)));
        }
    }

    /// <summary>Bytes as <c>db</c> shows them: hex, then the printable ASCII (a dot for the rest).</summary>
    public static string Preview(ReadOnlySpan<byte> bytes) => PreviewParts(bytes) is var (hex, text) && text.Length > 0 ? $"{hex}  {text}" : hex;

    /// <summary>The two halves of <see cref="Preview"/>: the hex bytes ("(empty)" for none) and their text.</summary>
    public static (string Hex, string Text) PreviewParts(ReadOnlySpan<byte> bytes) => bytes.IsEmpty ? ("(empty)", string.Empty) : (
        string.Join(' ', bytes.ToArray().Select(b => b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture))),
        new string([.. bytes.ToArray().Select(b => b is >= 0x20 and < 0x7F ? (char)b : '.')]));

    /// <summary>Opens a kernel dump for a command that needs one (show, report): a bare DumpBlob region is a usage error.</summary>
    public static DumpSource OpenDump(string path, TextWriter? warnings = null, BugCheckOutcome? outcome = null)
    {
        var source = Open(path, warnings, outcome);
        if (source.Dump is null)
        {
            source.Dispose();
            throw new UsageException($"<file> \"{path}\" is a bare DumpBlob region, not a kernel dump: 'bugcheck enumtag' lists its tags.");
        }

        return source;
    }

    /// <param name="path">The file.</param>
    /// <param name="warnings">Where a report beside the dump that cannot be read is said.</param>
    /// <param name="outcome">The outcome when the caller has it in memory (simulate --html): the report beside the dump is then not read again.</param>
    public static DumpSource Open(string path, TextWriter? warnings = null, BugCheckOutcome? outcome = null)
    {
        BugCheckCli.ExistingFile(path);
        Span<byte> start = stackalloc byte[8];
        using (var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read))
        {
            start = start[..probe.ReadAtLeast(start, start.Length, throwOnEndOfStream: false)];
        }

        if (start.StartsWith("PAGE"u8))
        {
            var dump = DumpFile.Open(path);
            try
            {
                string? problem = null;
                var report = outcome ?? OutcomeReport.TryLoad(path, out problem);
                if (problem is not null)
                {
                    warnings?.WriteLine($"warning: {problem}");
                }

                return new DumpSource(dump, dump.HasSecondaryData ? dump.OpenSecondaryData() : null, report);
            }
            catch
            {
                dump.Dispose();
                throw;
            }
        }

        if (start.SequenceEqual(DumpBlob.Signature))
        {
            return new DumpSource(null, DumpBlobReader.Open(path), null);
        }

        throw new InvalidDumpException(0, $"{path} is neither an x64 kernel dump (\"PAGEDU64\") nor a DumpBlob region (\"DumpBlob\").");
    }

    public void Dispose()
    {
        Blobs?.Dispose();
        Dump?.Dispose();
    }

    /// <summary>A tag as the debugger's <c>.enumtag</c> prints it, to paste between the two: braces, upper case.</summary>
    internal static string Braced(Guid tag) => tag.ToString("B", System.Globalization.CultureInfo.InvariantCulture).ToUpperInvariant();
}

/// <summary>One tag as <c>enumtag</c> lists it: the tag, its part when blocks share the tag, and a preview of its data.</summary>
internal sealed record TagView(DumpTag Tag, string? Part, string Preview);
