using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private const uint BlobFileHeaderSize = DumpBlob.FileHeaderSize;
    private const uint BlobHeaderSize = DumpBlob.BlobHeaderSize;

    private readonly List<SecondaryBlobInfo> _blobs = [];
    private readonly Dictionary<Guid, (BugCheckCallbackReason Reason, int Index)> _tagOwners = [];
    private ulong _regionUsed = BlobFileHeaderSize;

    private SecondaryDumpData? _secondaryData;
    private SecondaryDumpDataEx? _multiPartData;

    /// <summary>
    /// SecondaryDumpData: a sizing pass (OutBuffer empty) then a data pass (OutBuffer == InBuffer) over every callback.
    /// Records stay Inserted between the passes and become Finished after the data pass (a modeling decision).
    /// </summary>
    private void RunSecondaryData()
    {
        const BugCheckCallbackReason Reason = BugCheckCallbackReason.SecondaryDumpData;
        if (_snapshot.GetSlots(Reason).IsEmpty)
        {
            return;
        }

        _secondaryData = new SecondaryDumpData(_options.InBufferSize);
        Walk(Reason, Protocol.SecondarySizing, finish: false);
        Walk(Reason, Protocol.SecondaryData, finish: false);
        FinishReason(Reason);
    }

    /// <summary>
    /// SecondaryMultiPartDumpData: the _EX structure, called again while the callback sets ADDITIONAL_DATA; Context is
    /// kept, Flags are cleared on every entry, each call's output is one blob.
    /// </summary>
    private void RunMultiPartData()
    {
        const BugCheckCallbackReason Reason = BugCheckCallbackReason.SecondaryMultiPartDumpData;
        if (_snapshot.GetSlots(Reason).IsEmpty)
        {
            return;
        }

        _multiPartData = new SecondaryDumpDataEx(_options.InBufferSize)
        {
            DumpType = _request.DumpType,
            BugCheckCode = _request.BugCheckCode,
            BugCheckParameter1 = _request.BugCheckParameter1,
            BugCheckParameter2 = _request.BugCheckParameter2,
            BugCheckParameter3 = _request.BugCheckParameter3,
            BugCheckParameter4 = _request.BugCheckParameter4,
        };
        Walk(Reason, Protocol.MultiPart, finish: false);
        FinishReason(Reason);
    }

    private bool ConcludeMultiPartCall(BugCheckReasonCallbackRecord record, int position, int call, CallResult result, BufferDumpState state)
    {
        var data = _multiPartData!;
        var site = Site(BugCheckPhase.SecondaryMultiPartData, record, position);
        LogAndWriteBlob(site, InvocationPass.None, result, data, state);
        if (result.Exception is not null || (data.Flags & SecondaryDataFlags.AdditionalData) == 0)
        {
            return false;
        }

        if (data.OutBufferLength == 0)
        {
            Violate(site, ViolationKind.MultiPartNoProgress, "ADDITIONAL_DATA was set but OutBufferLength is 0.");
            return false;
        }

        if (call == _options.RepeatCallBudget)
        {
            Violate(site, ViolationKind.RepeatProtocolNeverEnds, Invariant($"ADDITIONAL_DATA was still set after {call} calls."));
            return false;
        }

        return true;
    }

    /// <summary>Checks a data call's output, logs the call (before the DumpIo calls the blob triggers), then writes the blob.</summary>
    private void LogAndWriteBlob(CallSite site, InvocationPass pass, CallResult call, SecondaryDumpData data, BufferDumpState state)
    {
        var accepted = call.Exception is null ? CheckBlob(site, data) : null;
        Log(site, pass, null, call, accepted?.Length ?? 0, state);
        if (accepted is { } blob)
        {
            WriteBlob(site, data.Guid, blob);
        }
    }

    /// <summary>What the region has left for one more blob's data, less its header, rounded down to the 8-byte alignment.</summary>
    private uint MaximumAllowed()
    {
        var remaining = _options.SecondaryDataBudget > _regionUsed ? _options.SecondaryDataBudget - _regionUsed : 0;
        return remaining > BlobHeaderSize ? (uint)((remaining - BlobHeaderSize) & ~7UL) : 0;
    }

    /// <summary>Applies the data-pass rules; returns the data to write, or null when there is none or it was dropped.</summary>
    private ReadOnlyMemory<byte>? CheckBlob(CallSite site, SecondaryDumpData data)
    {
        var length = data.OutBufferLength;
        if (length == 0)
        {
            return null;
        }

        if (length > data.MaximumAllowed)
        {
            Violate(site, ViolationKind.OutputExceedsMaximumAllowed, Invariant($"OutBufferLength 0x{length:X} exceeds MaximumAllowed 0x{data.MaximumAllowed:X}; the data was dropped."));
            return null;
        }

        if (length > data.OutBuffer.Length)
        {
            Violate(site, ViolationKind.OutputLengthExceedsBuffer, Invariant($"OutBufferLength 0x{length:X} exceeds the 0x{data.OutBuffer.Length:X} bytes OutBuffer points at; the data was dropped."));
            return null;
        }

        if (data.Guid == Guid.Empty)
        {
            Violate(site, ViolationKind.MissingGuid, Invariant($"0x{length:X} bytes were returned with an empty Guid; the data was dropped."));
            return null;
        }

        return data.OutBuffer[..(int)length];
    }

    private void WriteBlob(CallSite site, Guid tag, ReadOnlyMemory<byte> data)
    {
        var owner = (site.Reason!.Value, site.Index);
        var readable = _tagOwners.TryAdd(tag, owner);
        if (!readable && _tagOwners[tag] != owner)
        {
            var first = _tagOwners[tag];
            Violate(site, ViolationKind.DuplicateGuid, Invariant($"Tag {{{tag}}} is already used by {first.Reason} record #{first.Index}; this blob cannot be read back by tag."));
        }

        _blobs.Add(new SecondaryBlobInfo(tag, (uint)data.Length, site.Component, site.Reason.Value, readable) { Record = site.Record });
        _regionUsed += BlobHeaderSize + (((ulong)data.Length + 7) & ~7UL);
        _writePhase = site.Phase; // DumpIo sees the region in pieces of up to 1 MiB, in the phase whose blob fills one
        _writer?.WriteBlob(tag, data.Span);
    }
}
