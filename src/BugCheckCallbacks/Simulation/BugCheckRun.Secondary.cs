namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
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
        var room = _options.SecondaryDataBudget >= SecondaryRegion.FileHeaderSize;
        _region.Size = room ? SecondaryRegion.FileHeaderSize : 0;
        if (secondary > 0)
        {
            _secondary.Start(secondary, _options.InBufferSize);
            Walk(BugCheckCallbackReason.SecondaryDumpData, _secondary.Sizing, finish: false);
        }

        if (_options.IgnoreSizingAnswers && room)
        {
            _region.Size = _options.SecondaryDataBudget & ~7UL; // the data pass is offered the whole budget, whatever was asked
            return;
        }

        if (multiPart && room)
        {
            var left = _options.SecondaryDataBudget - _region.Size;
            _region.Size += Math.Min(left, _options.MultiPartReservation) & ~7UL; // blobs stay 8-byte aligned
        }
        else if (_region.Size == SecondaryRegion.FileHeaderSize)
        {
            _region.Size = 0; // nothing was asked for: the dump has no region
        }
    }

    /// <summary>
    /// The SecondaryDumpData data pass (OutBuffer == InBuffer), after the body: each callback's MaximumAllowed is what its
    /// sizing answer reserved. Records stay Inserted between the passes and become Finished after this one (a modeling decision).
    /// </summary>
    private void RunSecondaryData()
    {
        const BugCheckCallbackReason Reason = BugCheckCallbackReason.SecondaryDumpData;
        if (_secondary.Data is null)
        {
            return;
        }

        Walk(Reason, _secondary.DataPass, finish: false);
        FinishReason(Reason);
    }

    /// <summary>SecondaryMultiPartDumpData, after the SecondaryDumpData data pass, into what is left of the region.</summary>
    private void RunMultiPartData()
    {
        const BugCheckCallbackReason Reason = BugCheckCallbackReason.SecondaryMultiPartDumpData;
        if (_snapshot.GetSlots(Reason).IsEmpty)
        {
            return;
        }

        _multiPart.Start(_options.InBufferSize, _request.DumpType, _request.BugCheck);
        Walk(Reason, _multiPart, finish: false);
        FinishReason(Reason);
    }

    /// <summary>The region's last piece and the zeros of its unused reservation, in the phase of the last blob (or, with none, of the last protocol).</summary>
    private void FinishRegion()
    {
        if (_writePhase == BugCheckPhase.DumpBody) // no blob was written
        {
            _writePhase = _multiPart.Data is null ? BugCheckPhase.SecondaryData : BugCheckPhase.SecondaryMultiPartData;
        }

        _writer?.FinishRegion();
    }

    /// <summary>A blob into the dump's region, in the phase of the protocol that produced it: DumpIo sees the region in pieces of up to 1 MiB, in the phase whose blob fills one.</summary>
    internal void WriteBlob(BugCheckPhase phase, Guid tag, ReadOnlySpan<byte> data)
    {
        _writePhase = phase;
        _writer?.WriteBlob(tag, data);
    }
}
