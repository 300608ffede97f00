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
    private int[] _shortfallAt = []; // per SecondaryDumpData record: its entry in _shortfalls, or −1
    private readonly List<SecondaryDataShortfall> _shortfalls = [];
    private (CallSite Site, uint Asked, uint Offered, bool Accused)? _overAsker; // the sizing pass's first answer above MaximumAllowed
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
            _shortfallAt = new int[secondary];
            Array.Fill(_shortfallAt, -1);
            Walk(BugCheckCallbackReason.SecondaryDumpData, Protocol.SecondarySizing, finish: false);
        }

        if (_options.IgnoreSizingAnswers && room)
        {
            _regionSize = _options.SecondaryDataBudget & ~7UL; // the data pass is offered the whole budget, whatever was asked
            return;
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
            var (asked, offered) = (data.OutBufferLength, data.MaximumAllowed);
            var reserved = Math.Min(asked, offered);
            _reservations[site.Index] = reserved;
            _regionSize += reserved == 0 ? 0 : BlobHeaderSize + Align(reserved);
            NoteSizing(site, asked, offered);
        }
    }

    /// <summary>
    /// Reports a sizing answer the kernel could not reserve, where it happens. An answer above MaximumAllowed is not a
    /// breach by itself (a callback may answer its size and check MaximumAllowed in the data pass), but the kernel gives it
    /// all that is left: when that leaves a callback sized after it short, the over-ask is what broke the budget, and it is
    /// reported at the over-asker's sizing call (BCV0004, naming it and whom it left short) — once; the callbacks left
    /// short are not accused, their shortfalls name the cause. Every callback offered less than it asked, or nothing at
    /// all, is in <see cref="BugCheckOutcome.Shortfalls"/>, so no data goes missing without a word.
    /// </summary>
    private void NoteSizing(CallSite site, uint asked, uint offered)
    {
        string why;
        if (asked > offered && _overAsker is null)
        {
            _overAsker = (site, asked, offered, false);
            why = Invariant($"Its sizing answer exceeded MaximumAllowed: it was reserved the 0x{offered:X} bytes the budget (SimulationOptions.SecondaryDataBudget) had left.");
        }
        else if (_overAsker is { } first && (asked > offered || offered == 0))
        {
            why = Invariant($"{first.Site.Component} asked for more than MaximumAllowed before it and was given what was left of the budget: this callback was offered 0x{offered:X}.");
            if (!first.Accused)
            {
                _overAsker = first with { Accused = true };
                Violate(first.Site, ViolationKind.OutputExceedsMaximumAllowed, Invariant($"The size query's answer 0x{first.Asked:X} exceeds MaximumAllowed 0x{first.Offered:X}; the kernel reserved the 0x{first.Offered:X} bytes it had left, so {site.Component}, sized after it, was offered 0x{offered:X} of the 0x{asked:X} it asked for (the outcome's shortfalls list every callback it left short)."), first.Offered);
            }
        }
        else if (offered == 0)
        {
            why = "The budget (SimulationOptions.SecondaryDataBudget) had no room left when it was called: the callbacks sized before it took it all.";
        }
        else
        {
            return;
        }

        _shortfallAt[site.Index] = _shortfalls.Count;
        _shortfalls.Add(new SecondaryDataShortfall(site.Component, asked, offered, why, _overAsker is { } cause && cause.Site.Index != site.Index ? cause.Site.Component : null));
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
            BugCheck = _request.BugCheck,
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

        if (length > data.MaximumAllowed && site.Phase == BugCheckPhase.SecondaryData && ShortBecauseOfAnother(site, length) is { } shortfall)
        {
            // Innocent: it writes no more than it asked for, and it was offered less only because another over-asked.
            _shortfalls[_shortfallAt[site.Index]] = shortfall with { Why = Invariant($"{shortfall.Why} Its 0x{length:X} bytes were dropped.") };
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

    /// <summary>The shortfall of a data call whose reservation another callback's over-ask cut, when it writes no more than its sizing answer.</summary>
    private SecondaryDataShortfall? ShortBecauseOfAnother(CallSite site, uint length) =>
        site.Index < _shortfallAt.Length && _shortfallAt[site.Index] is >= 0 and var at && _shortfalls[at].CausedBy is not null && length <= _shortfalls[at].Asked
            ? _shortfalls[at]
            : null;

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
