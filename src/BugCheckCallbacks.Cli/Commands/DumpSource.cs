using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Commands;

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

    public static DumpSource Open(string path, TextWriter? warnings = null)
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
                var report = OutcomeReport.TryLoad(path, out var problem);
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
}
