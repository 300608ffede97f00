namespace BugCheckCallbacks.Simulation;

/// <summary>Keeps everything a simulated bug check writes in memory: convenient in tests, not for large dumps.</summary>
public sealed class InMemoryDumpSink : IDumpSink
{
    private readonly List<(PageRange Range, byte[] Data)> _body = [];
    private readonly List<(TriageBlockInfo Block, byte[] Data)> _triage = [];
    private readonly List<(Guid Tag, string Component, byte[] Data)> _blobs = [];

    /// <summary>Gets the header, once written.</summary>
    public DumpHeaderInfo? Header { get; private set; }

    /// <summary>Gets the body pieces in write order.</summary>
    public IReadOnlyList<(PageRange Range, byte[] Data)> Body => _body;

    /// <summary>Gets the triage block pieces in write order.</summary>
    public IReadOnlyList<(TriageBlockInfo Block, byte[] Data)> TriageBlocks => _triage;

    /// <summary>Gets the secondary-data blobs in write order.</summary>
    public IReadOnlyList<(Guid Tag, string Component, byte[] Data)> Blobs => _blobs;

    /// <summary>Gets the outcome, once the dump is complete.</summary>
    public BugCheckOutcome? Outcome { get; private set; }

    /// <summary>Gets the data of the first blob tagged <paramref name="tag"/>, as <c>ReadTagged</c> would, or <see langword="null"/>.</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <returns>The data, or <see langword="null"/> when no blob has the tag.</returns>
    public byte[]? ReadTagged(Guid tag)
    {
        foreach (var blob in _blobs)
        {
            if (blob.Tag == tag)
            {
                return blob.Data;
            }
        }

        return null;
    }

    /// <inheritdoc/>
    public void WriteHeader(DumpHeaderInfo header) => Header = header;

    /// <inheritdoc/>
    public void WriteBodyRange(PageRange range, ReadOnlySpan<byte> data) => _body.Add((range, data.ToArray()));

    /// <inheritdoc/>
    public void WriteTriageBlock(TriageBlockInfo block, ReadOnlySpan<byte> data) => _triage.Add((block, data.ToArray()));

    /// <inheritdoc/>
    public void WriteSecondaryBlob(Guid tag, string component, ReadOnlySpan<byte> data) => _blobs.Add((tag, component, data.ToArray()));

    /// <inheritdoc/>
    public void Complete(BugCheckOutcome outcome) => Outcome = outcome;
}
