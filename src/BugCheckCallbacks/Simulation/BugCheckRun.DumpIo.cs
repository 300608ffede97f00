using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun : IDumpWriteTarget, IPhysicalPageSource, IVirtualMemorySource
{
    private const uint VerNtWorkstation = 1; // winnt.h VER_NT_WORKSTATION
    private const uint SuiteTerminalSingleUser = 0x110; // winnt.h VER_SUITE_TERMINAL | VER_SUITE_SINGLEUSERTS

    private KernelDumpWriter? _writer;
    private readonly List<PageRange> _bodyRanges = [];
    private BugCheckPhase _writePhase;
    private byte[]? _page; // one page read for a small memory dump's copies

    /// <summary>
    /// The header: the first write and the only one of the header, seen by DumpIo as <see cref="DumpIoType.Header"/>. The
    /// dump is laid out here, once the page protocols have said which pages it holds and the sizing pass how much secondary
    /// data it keeps; nothing is laid out when neither a sink nor a DumpIo callback reads it.
    /// </summary>
    private void WriteHeader()
    {
        _bodyRanges.AddRange(_pages.Body.Ranges(X64Paging.PageSize));
        if (_sink is null && _snapshot.GetCallbacks(BugCheckCallbackReason.DumpIo).IsEmpty)
        {
            return;
        }

        RenderKernel();
        var triage = _request.DumpType == DumpType.Triage ? new TriageLayout(TriageContent()) : null;
        _writer = new KernelDumpWriter(BuildHeader(triage), _request.DumpType, StoredFrames(), this, this, (long)_region.Size, triage);
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
            case DumpType.Header or DumpType.Triage: // a small memory dump keeps blocks of virtual memory, not pages
                break;
            default:
                map.AddPageTableFrames(frames);
                map.AddMappedFrames(frames);
                _pages.Body.AddFrames(map, removed: false, frames);
                break;
        }

        var removed = new List<(ulong Start, ulong End)>();
        _pages.Body.AddFrames(map, removed: true, removed);
        return PageRanges.Subtract(PageRanges.Normalize(frames), PageRanges.Normalize(removed));
    }

    private DumpFileHeader BuildHeader(TriageLayout? triage)
    {
        var map = _options.MemoryMap;
        return new DumpFileHeader
        {
            MinorVersion = _options.BuildNumber,
            DirectoryTableBase = map.DirectoryTableBase,
            NumberProcessors = _options.NumberOfProcessors,
            BugCheck = _request.BugCheck,
            KdDebuggerDataBlock = DumpHoldsKernel ? _kernel!.KdDebuggerDataBlock : 0,
            PsLoadedModuleList = DumpHoldsKernel ? _kernel!.PsLoadedModuleList : 0,
            PsActiveProcessHead = DumpHoldsKernel ? _kernel!.PsActiveProcessHead : 0,
            Context = _kernel is null ? new ProcessorContext() : CrashContext.For(_request, _kernel.KeBugCheckEx, KernelMemory.StackPointer),
            Exception = _kernel is null ? new ExceptionRecord64() : CrashContext.ExceptionFor(_request, _kernel.KeBugCheckEx),
            // A small memory dump has no physical-memory runs and no comment: Windows leaves "PAGE" there (KERNEL-DUMP.md §8).
            PhysicalMemoryRuns = triage is null ? map.PhysicalMemoryRuns : [],
            NumberOfPages = triage is null ? map.PhysicalPageCount : 0,
            MiniDumpFields = (uint)(triage?.Fields ?? TriageDumpFields.None),
            SystemTime = _options.SystemTime.ToFileTime(),
            Comment = triage is null ? $"BugCheckCallbacks simulated {_request.DumpType} dump" : string.Empty,
            ProductType = VerNtWorkstation,
            SuiteMask = SuiteTerminalSingleUser,
        };
    }

    /// <summary>
    /// What a small memory dump copies: KDDEBUGGER_DATA64, every module's KLDR_DATA_TABLE_ENTRY, the triage callbacks'
    /// blocks, and as its data page the page of the first bug-check parameter that is a mapped virtual address (inferred:
    /// no public source says which page Windows picks); the call stack from the crashing thread's stack pointer.
    /// </summary>
    private TriageContent TriageContent()
    {
        ulong[] parameters = [_request.BugCheck.Parameter1, _request.BugCheck.Parameter2, _request.BugCheck.Parameter3, _request.BugCheck.Parameter4];
        var dataPage = parameters.FirstOrDefault(p => p != 0 && _options.MemoryMap.Contains(AddressSpace.Virtual, p & ~(ulong)(X64Paging.PageSize - 1), X64Paging.PageSize));
        return new TriageContent(
            this,
            _kernel?.KdDebuggerDataBlock ?? 0,
            _kernel?.ModuleEntries() ?? [],
            [.. _triage.Blocks.Select(b => (b.Address, (uint)b.Size))],
            dataPage,
            _kernel is null ? 0 : KernelMemory.StackPointer);
    }

    void IVirtualMemorySource.ReadVirtual(ulong address, Span<byte> destination)
    {
        _page ??= new byte[X64Paging.PageSize];
        for (var done = 0; done < destination.Length;)
        {
            var at = address + (ulong)done;
            var within = DumpFile.OffsetInPage(at);
            var length = Math.Min(destination.Length - done, DumpFile.PageSize - within);
            if (_options.MemoryMap.TryTranslate(at, out var physical))
            {
                ((IPhysicalPageSource)this).ReadPage(DumpFile.PageOf(physical), _page);
                _page.AsSpan(within, length).CopyTo(destination[done..]);
            }
            else
            {
                destination.Slice(done, length).Clear();
            }

            done += length;
        }
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
        _dumpIo.Show(type, phase, offset, buffer);
        Walk(BugCheckCallbackReason.DumpIo, _dumpIo, finish: false);
    }
}
