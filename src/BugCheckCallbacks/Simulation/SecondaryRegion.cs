using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The secondary-data region of one bug check's dump, which the SecondaryDumpData and SecondaryMultiPartDumpData
/// protocols fill: its size (fixed before the header, as RequiredDumpSpace counts it), what is used, and the blobs
/// written, each checked against the data-pass rules and tagged by its GUID.
/// </summary>
internal sealed class SecondaryRegion(BugCheckRun run)
{
    public const uint FileHeaderSize = DumpBlob.FileHeaderSize;
    public const uint BlobHeaderSize = DumpBlob.BlobHeaderSize;

    private readonly List<SecondaryBlobInfo> _blobs = [];
    private readonly Dictionary<Guid, (BugCheckCallbackReason Reason, int Index)> _tagOwners = [];

    /// <summary>Gets or sets the region's size in bytes: final before the header is written.</summary>
    public ulong Size { get; set; }

    /// <summary>Gets the bytes written so far, the region's own header first.</summary>
    public ulong Used { get; private set; } = FileHeaderSize;

    /// <summary>Gets the blobs written, in order.</summary>
    public IReadOnlyList<SecondaryBlobInfo> Blobs => _blobs;

    /// <summary>What a region of <paramref name="size"/> bytes, <paramref name="used"/> of them taken, has left for one more blob's data: less its header, rounded down to the 8-byte alignment.</summary>
    public static uint Allowance(ulong size, ulong used)
    {
        var remaining = size > used ? size - used : 0;
        return remaining > BlobHeaderSize ? (uint)Math.Min((remaining - BlobHeaderSize) & ~7UL, uint.MaxValue & ~7U) : 0;
    }

    public static ulong Align(ulong length) => (length + 7) & ~7UL;

    /// <summary>
    /// Checks a data call's output, logs the call (before the DumpIo calls the blob triggers), then writes the blob;
    /// <paramref name="sizing"/>, for the SecondaryDumpData data pass, drops without blame what another callback's
    /// over-ask left short.
    /// </summary>
    public void LogAndWrite(BugCheckRun.CallSite site, InvocationPass pass, BugCheckRun.CallResult call, SecondaryDumpData data, BufferDumpState state, SecondaryProtocol? sizing)
    {
        var accepted = call.Exception is null ? Check(site, data, sizing) : null;
        run.Log(site, pass, null, call, accepted?.Length ?? 0, state);
        if (accepted is { } blob)
        {
            Write(site, data.Guid, blob);
        }
    }

    /// <summary>Applies the data-pass rules; returns the data to write, or null when there is none or it was dropped.</summary>
    private ReadOnlyMemory<byte>? Check(BugCheckRun.CallSite site, SecondaryDumpData data, SecondaryProtocol? sizing)
    {
        var length = data.OutBufferLength;
        if (length == 0)
        {
            return null;
        }

        if (length > data.MaximumAllowed && site.Phase == BugCheckPhase.SecondaryData && sizing?.DropIfShortBecauseOfAnother(site, length) == true)
        {
            return null; // innocent: it writes no more than it asked for, and it was offered less only because another over-asked
        }

        if (length > data.MaximumAllowed)
        {
            var what = site.Phase == BugCheckPhase.SecondaryData
                ? ", the space its sizing-pass answer reserved"
                : ", what is left of the space reserved for multi-part data (SimulationOptions.MultiPartReservation)";
            run.Violate(site, ViolationKind.OutputExceedsMaximumAllowed, FormattableString.Invariant($"OutBufferLength 0x{length:X} exceeds MaximumAllowed 0x{data.MaximumAllowed:X}{what}; the data was dropped."));
            return null;
        }

        if (length > data.OutBuffer.Length)
        {
            run.Violate(site, ViolationKind.OutputLengthExceedsBuffer, FormattableString.Invariant($"OutBufferLength 0x{length:X} exceeds the 0x{data.OutBuffer.Length:X} bytes OutBuffer points at; the data was dropped."));
            return null;
        }

        if (data.Guid == Guid.Empty)
        {
            run.Violate(site, ViolationKind.MissingGuid, FormattableString.Invariant($"0x{length:X} bytes were returned with an empty Guid; the data was dropped."));
            return null;
        }

        return data.OutBuffer[..(int)length];
    }

    private void Write(BugCheckRun.CallSite site, Guid tag, ReadOnlyMemory<byte> data)
    {
        var owner = (site.Reason!.Value, site.Index);
        var readable = _tagOwners.TryAdd(tag, owner);
        if (!readable && _tagOwners[tag] != owner)
        {
            var first = _tagOwners[tag];
            run.Violate(site, ViolationKind.DuplicateGuid, FormattableString.Invariant($"Tag {{{tag}}} is already used by {first.Reason} record #{first.Index}; this blob cannot be read back by tag."));
        }

        _blobs.Add(new SecondaryBlobInfo(tag, (uint)data.Length, site.Component, site.Reason.Value, readable) { Record = site.Record });
        Used += BlobHeaderSize + Align((ulong)data.Length);
        run.WriteBlob(site.Phase, tag, data.Span);
    }
}
