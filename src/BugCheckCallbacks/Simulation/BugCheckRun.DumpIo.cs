using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun : IDumpWriteTarget, IPhysicalPageSource
{
    private const uint VerNtWorkstation = 1; // winnt.h VER_NT_WORKSTATION
    private const uint SuiteTerminalSingleUser = 0x110; // winnt.h VER_SUITE_TERMINAL | VER_SUITE_SINGLEUSERTS

    private KernelDumpWriter? _writer;
    private IoWrite _io;
    private BugCheckPhase _writePhase;

    /// <summary>Gets how the dump written for <paramref name="dumpType"/> stores its pages (docs/dump-format.md).</summary>
    internal static DumpBodyLayout LayoutOf(DumpType dumpType) => dumpType switch
    {
        DumpType.Full => DumpBodyLayout.RunBased,
        DumpType.BitmapFull => DumpBodyLayout.CompleteBitmap,
        _ => DumpBodyLayout.KernelBitmap, // Summary, BitmapKernel, Automatic; and Triage, Header (no public layout)
    };

    /// <summary>
    /// The header: the first write and the only one of the header, seen by DumpIo as <see cref="DumpIoType.Header"/>. The
    /// dump is laid out here, once the page protocols have said which pages it holds and the sizing pass how much secondary
    /// data it keeps; nothing is laid out when neither a sink nor a DumpIo callback reads it.
    /// </summary>
    private void WriteHeader()
    {
        _bodyRanges.AddRange(_body.Ranges(SimulatedMemoryMap.PageSize));
        if (_sink is null && _snapshot.GetCallbacks(BugCheckCallbackReason.DumpIo).IsEmpty)
        {
            return;
        }

        RenderKernel();
        _writer = new KernelDumpWriter(BuildHeader(), LayoutOf(_request.DumpType), StoredFrames(), this, this, (long)_regionSize);
        _writePhase = BugCheckPhase.DumpHeader;
        _writer.WriteHeader();
    }

    /// <summary>The body, in pieces of at most 1 MiB: a run-based dump's pages, or a bitmap dump's bitmap then pages.</summary>
    private void WriteBody()
    {
        _writePhase = BugCheckPhase.DumpBody;
        _writer?.WriteBody();
    }

    /// <summary>
    /// DumpIo <see cref="DumpIoType.Complete"/> once, with no buffer, at the file's end; then every DumpIo record that was
    /// called is Finished.
    /// </summary>
    private void CompleteDump()
    {
        _writePhase = BugCheckPhase.DumpComplete;
        DumpIoWrite(DumpIoType.Complete, BugCheckPhase.DumpComplete, _writer?.RequiredDumpSpace ?? 0, ReadOnlyMemory<byte>.Empty);
        _sink?.Complete();
        FinishReason(BugCheckCallbackReason.DumpIo);
    }

    /// <summary>Which page frames the body stores for this dump type (docs/dump-format.md has the table).</summary>
    private (ulong Start, ulong End)[] StoredFrames()
    {
        var map = _options.MemoryMap;
        var frames = new List<(ulong Start, ulong End)>();
        switch (_request.DumpType)
        {
            case DumpType.Full or DumpType.BitmapFull:
                map.AddAllFrames(frames);
                break;
            case DumpType.Header:
                break;
            case DumpType.Triage:
                map.AddPageTableFrames(frames);
                foreach (var block in _triageBlocks)
                {
                    var first = block.Address / SimulatedMemoryMap.PageSize;
                    var last = (block.Address + block.Size - 1) / SimulatedMemoryMap.PageSize;
                    map.AddFramesOfVirtualPages(first, last - first + 1, frames);
                }

                break;
            default:
                map.AddPageTableFrames(frames);
                map.AddMappedFrames(frames);
                _body.AddFrames(map, removed: false, frames);
                break;
        }

        var removed = new List<(ulong Start, ulong End)>();
        _body.AddFrames(map, removed: true, removed);
        return PageRanges.Subtract(PageRanges.Normalize(frames), PageRanges.Normalize(removed));
    }

    private DumpFileHeader BuildHeader()
    {
        var map = _options.MemoryMap;
        return new DumpFileHeader
        {
            MinorVersion = _options.BuildNumber,
            DirectoryTableBase = map.DirectoryTableBase,
            NumberProcessors = _options.NumberOfProcessors,
            BugCheckCode = _request.BugCheckCode,
            BugCheckParameter1 = _request.BugCheckParameter1,
            BugCheckParameter2 = _request.BugCheckParameter2,
            BugCheckParameter3 = _request.BugCheckParameter3,
            BugCheckParameter4 = _request.BugCheckParameter4,
            KdDebuggerDataBlock = DumpHoldsKernel ? _kernel!.KdDebuggerDataBlock : 0,
            PsLoadedModuleList = DumpHoldsKernel ? _kernel!.PsLoadedModuleList : 0,
            PsActiveProcessHead = DumpHoldsKernel ? _kernel!.PsActiveProcessHead : 0,
            Context = _kernel is null ? new ProcessorContext() : CrashContext.For(_request, _kernel.KeBugCheckEx, KernelMemory.StackPointer),
            Exception = _kernel is null ? new ExceptionRecord64() : CrashContext.ExceptionFor(_request, _kernel.KeBugCheckEx),
            PhysicalMemoryRuns = map.PhysicalMemoryRuns,
            NumberOfPages = map.PhysicalPageCount,
            DumpType = LayoutOf(_request.DumpType) == DumpBodyLayout.RunBased ? DumpHeader64.DumpTypeFull : DumpHeader64.DumpTypeBitmap,
            SystemTime = _options.SystemTime.ToFileTime(),
            Comment = $"BugCheckCallbacks simulated {_request.DumpType} dump",
            ProductType = VerNtWorkstation,
            SuiteMask = SuiteTerminalSingleUser,
        };
    }

    /// <summary>One write of the dump: to the sink, then to every DumpIo callback.</summary>
    void IDumpWriteTarget.Write(DumpIoType type, long offset, ReadOnlyMemory<byte> bytes)
    {
        _sink?.Write(offset, bytes.Span);
        DumpIoWrite(type, _writePhase, offset, bytes);
    }

    /// <summary>Shows one write of the dump to every DumpIo callback.</summary>
    private void DumpIoWrite(DumpIoType type, BugCheckPhase phase, long offset, ReadOnlyMemory<byte> buffer)
    {
        _io = new IoWrite(type, phase, offset, buffer);
        Walk(BugCheckCallbackReason.DumpIo, Protocol.DumpIo, finish: false);
    }

    /// <summary>The write DumpIo callbacks are being shown.</summary>
    private readonly record struct IoWrite(DumpIoType Type, BugCheckPhase Phase, long Offset, ReadOnlyMemory<byte> Buffer);
}
