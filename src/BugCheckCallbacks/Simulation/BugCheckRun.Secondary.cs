using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private const uint BlobFileHeaderSize = DumpBlob.FileHeaderSize;
    private const uint BlobHeaderSize = DumpBlob.BlobHeaderSize;

    private readonly List<SecondaryBlobInfo> _blobs = [];
    private readonly Dictionary<Guid, (BugCheckCallbackReason Reason, int Index)> _tagOwners = [];
    private uint[] _reservations = []; // per SecondaryDumpData record: the data bytes its sizing answer reserved
    private ulong _regionSize; // the region's size, fixed before the header: RequiredDumpSpace counts it
    private ulong _regionUsed = BlobFileHeaderSize;

    private SecondaryDumpData? _secondaryData;
    private SecondaryDumpDataEx? _multiPartData;

    /// <summary>
    /// Before the header, as Windows does (KERNEL-DUMP.md §10): the SecondaryDumpData sizing pass (OutBuffer empty), which
    /// reserves what each callback asks for within the budget; then, when a SecondaryMultiPartDumpData callback is
    /// registered, MultiPartReservation, because that protocol has no sizing pass and its parts are only known as they
    /// come. The region's size is final here, so the header is written once.
    /// </summary>
    private void SizeSecondaryData()
    {
        var secondary = _snapshot.GetCallbacks(BugCheckCallbackReason.SecondaryDumpData).Length;
        var multiPart = !_snapshot.GetCallbacks(BugCheckCallbackReason.SecondaryMultiPartDumpData).IsEmpty;
        // A budget that cannot hold even the region's 16-byte header leaves no region: MaximumAllowed is 0 for every call.
        var room = _options.SecondaryDataBudget >= BlobFileHeaderSize;
        _regionSize = room ? BlobFileHeaderSize : 0;
        if (secondary > 0)
        {
            _secondaryData = new SecondaryDumpData(_options.InBufferSize);
            _reservations = new uint[secondary];
            Walk(BugCheckCallbackReason.SecondaryDumpData, Protocol.SecondarySizing, finish: false);
        }

        if (multiPart && room)
        {
            var left = _options.SecondaryDataBudget - _regionSize;
            _regionSize += Math.Min(left, _options.MultiPartReservation) & ~7UL; // blobs stay 8-byte aligned
        }
        else if (_regionSize == BlobFileHeaderSize)
        {
            _regionSize = 0; // nothing was asked for: the dump has no region
        }
    }

    /// <summary>
    /// A sizing call: what it asks for is reserved, up to the MaximumAllowed it was offered (the kernel cannot reserve
    /// more than the budget has left); the data pass then offers it exactly what was reserved.
    /// </summary>
    private void ConcludeSizingCall(CallSite site, CallResult result, BufferDumpState state)
    {
        var data = _secondaryData!;
        Log(site, InvocationPass.Sizing, null, result, data.OutBufferLength, state);
        if (result.Exception is null && site.Index < _reservations.Length) // a single sizing call reserves nothing: there is no dump
        {
            var reserved = Math.Min(data.OutBufferLength, data.MaximumAllowed);
            _reservations[site.Index] = reserved;
            _regionSize += reserved == 0 ? 0 : BlobHeaderSize + Align(reserved);
        }
    }

    /// <summary>
    /// The SecondaryDumpData data pass (OutBuffer == InBuffer), after the body: each callback's MaximumAllowed is what its
    /// sizing answer reserved. Records stay Inserted between the passes and become Finished after this one (a modeling decision).
    /// </summary>
    private void RunSecondaryData()
    {
        const BugCheckCallbackReason Reason = BugCheckCallbackReason.SecondaryDumpData;
        if (_secondaryData is null)
        {
            return;
        }

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

    /// <summary>The region's last piece and the zeros of its unused reservation, in the phase of the last blob (or, with none, of the last protocol).</summary>
    private void FinishRegion()
    {
        if (_writePhase == BugCheckPhase.DumpBody) // no blob was written
        {
            _writePhase = _multiPartData is null ? BugCheckPhase.SecondaryData : BugCheckPhase.SecondaryMultiPartData;
        }

        _writer?.FinishRegion();
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

    /// <summary>What a region of <paramref name="size"/> bytes, <paramref name="used"/> of them taken, has left for one more blob's data: less its header, rounded down to the 8-byte alignment.</summary>
    private static uint Allowance(ulong size, ulong used)
    {
        var remaining = size > used ? size - used : 0;
        return remaining > BlobHeaderSize ? (uint)Math.Min((remaining - BlobHeaderSize) & ~7UL, uint.MaxValue & ~7U) : 0;
    }

    private static ulong Align(ulong length) => (length + 7) & ~7UL;

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
            var what = site.Phase == BugCheckPhase.SecondaryData
                ? ", the space its sizing-pass answer reserved"
                : ", what is left of the space reserved for multi-part data (SimulationOptions.MultiPartReservation)";
            Violate(site, ViolationKind.OutputExceedsMaximumAllowed, Invariant($"OutBufferLength 0x{length:X} exceeds MaximumAllowed 0x{data.MaximumAllowed:X}{what}; the data was dropped."));
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
        _regionUsed += BlobHeaderSize + Align((ulong)data.Length);
        _writePhase = site.Phase; // DumpIo sees the region in pieces of up to 1 MiB, in the phase whose blob fills one
        _writer?.WriteBlob(tag, data.Span);
    }
}
