using System.Buffers.Binary;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    /// <summary>The magic at the start of the simulated kernel's raw header page.</summary>
    internal static ReadOnlySpan<byte> HeaderMagic => "BCSIMHDR"u8;

    private byte[]? _chunk;

    private byte[] Chunk => _chunk ??= new byte[ChunkBytes];

    /// <summary>The header page: the first write of the raw dump stream, seen by DumpIo as <see cref="DumpIoType.Header"/>.</summary>
    private void WriteHeader()
    {
        var page = new byte[_options.PageSize];
        var span = page.AsSpan();
        HeaderMagic.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[8..], 1);
        BinaryPrimitives.WriteUInt32LittleEndian(span[12..], _header.BugCheckCode);
        BinaryPrimitives.WriteUInt64LittleEndian(span[16..], _header.BugCheckParameter1);
        BinaryPrimitives.WriteUInt64LittleEndian(span[24..], _header.BugCheckParameter2);
        BinaryPrimitives.WriteUInt64LittleEndian(span[32..], _header.BugCheckParameter3);
        BinaryPrimitives.WriteUInt64LittleEndian(span[40..], _header.BugCheckParameter4);
        BinaryPrimitives.WriteInt32LittleEndian(span[48..], (int)_header.DumpType);
        BinaryPrimitives.WriteUInt32LittleEndian(span[52..], _header.PageSize);
        _sink.WriteHeader(_header);
        DumpIoWrite(DumpIoType.Header, BugCheckPhase.DumpHeader, _streamOffset, page);
        _streamOffset += page.Length;
    }

    /// <summary>
    /// The body: a descriptor of the page runs and triage blocks (so there is always at least one body write), then the
    /// pages of every run and the bytes of every triage block, in pieces of at most <see cref="ChunkBytes"/>.
    /// </summary>
    private void WriteBody()
    {
        _bodyRanges.AddRange(_body.Ranges(_options.PageSize));
        var descriptor = BuildBodyDescriptor();
        DumpIoWrite(DumpIoType.Body, BugCheckPhase.DumpBody, _streamOffset, descriptor);
        _streamOffset += descriptor.Length;

        var pageSize = (ulong)_options.PageSize;
        var pagesPerChunk = (ulong)ChunkBytes / pageSize;
        foreach (var range in _bodyRanges)
        {
            for (var done = 0UL; done < range.PageCount;)
            {
                var pages = Math.Min(pagesPerChunk, range.PageCount - done);
                var address = range.Address + (done * pageSize);
                var length = (int)(pages * pageSize);
                var piece = Chunk.AsMemory(0, length);
                _options.MemoryMap.Read(range.Space, address, piece.Span);
                _sink.WriteBodyRange(new PageRange(range.Space, address, pages), piece.Span);
                DumpIoWrite(DumpIoType.Body, BugCheckPhase.DumpBody, _streamOffset, piece);
                _streamOffset += length;
                done += pages;
            }
        }

        foreach (var block in _triageBlocks)
        {
            for (var done = 0UL; done < block.Size;)
            {
                var length = (int)Math.Min((ulong)ChunkBytes, block.Size - done);
                var piece = Chunk.AsMemory(0, length);
                _options.MemoryMap.Read(AddressSpace.Virtual, block.Address + done, piece.Span);
                _sink.WriteTriageBlock(block with { Address = block.Address + done, Size = (ulong)length }, piece.Span);
                DumpIoWrite(DumpIoType.Body, BugCheckPhase.DumpBody, _streamOffset, piece);
                _streamOffset += length;
                done += (ulong)length;
            }
        }
    }

    private byte[] BuildBodyDescriptor()
    {
        // u32 run count, u32 triage count, then runs (u32 space, u32 pad, u64 address, u64 pages) and triage blocks
        // (u64 address, u64 size).
        var descriptor = new byte[8 + (_bodyRanges.Count * 24) + (_triageBlocks.Count * 16)];
        var span = descriptor.AsSpan();
        BinaryPrimitives.WriteInt32LittleEndian(span, _bodyRanges.Count);
        BinaryPrimitives.WriteInt32LittleEndian(span[4..], _triageBlocks.Count);
        var at = 8;
        foreach (var range in _bodyRanges)
        {
            BinaryPrimitives.WriteInt32LittleEndian(span[at..], (int)range.Space);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 8)..], range.Address);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 16)..], range.PageCount);
            at += 24;
        }

        foreach (var block in _triageBlocks)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(span[at..], block.Address);
            BinaryPrimitives.WriteUInt64LittleEndian(span[(at + 8)..], block.Size);
            at += 16;
        }

        return descriptor;
    }

    /// <summary>DumpIo <see cref="DumpIoType.Complete"/>: once, with no buffer; then every DumpIo record that was called is Finished.</summary>
    private void CompleteDump()
    {
        DumpIoWrite(DumpIoType.Complete, BugCheckPhase.DumpComplete, _streamOffset, ReadOnlyMemory<byte>.Empty);
        FinishReason(BugCheckCallbackReason.DumpIo);
    }

    /// <summary>Shows one write of the raw dump stream to every DumpIo callback.</summary>
    private void DumpIoWrite(DumpIoType type, BugCheckPhase phase, long offset, ReadOnlyMemory<byte> buffer)
    {
        const BugCheckCallbackReason Reason = BugCheckCallbackReason.DumpIo;
        var records = _snapshot.GetCallbacks(Reason);
        for (var i = 0; i < records.Length; i++)
        {
            var record = records[i];
            _dumpIo.Prepare(type, _options.SequentialDumpIo ? DumpIoData.SequentialOffset : offset, buffer);
            if (TryCall(Reason, record, i, _dumpIo, finishOnReturn: false, out var call))
            {
                Log(Site(phase, Reason, record, i), InvocationPass.None, type, call, buffer.Length, record.State);
            }
        }
    }
}
