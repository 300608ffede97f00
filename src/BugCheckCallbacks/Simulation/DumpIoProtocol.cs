namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The DumpIo protocol of one bug check: every write of the dump (header, body pieces, secondary data, the final
/// Complete) shown to each DumpIo callback in a <c>KBUGCHECK_DUMP_IO</c>, at the write's offset or, when the kernel says
/// so, at -1 for writes that follow one another.
/// </summary>
internal sealed class DumpIoProtocol(BugCheckRun run) : IReasonProtocol
{
    private DumpIoData _data = new();
    private Write _write;

    /// <summary>Gets the structure every call is handed.</summary>
    public DumpIoData Data => _data;

    /// <inheritdoc/>
    ReasonCallbackData? IReasonProtocol.Data => _data;

    /// <summary>Gets the phase of the write being shown.</summary>
    public BugCheckPhase Phase => _write.Phase;

    /// <summary>A write is about to be shown to the callbacks.</summary>
    public void Show(DumpIoType type, BugCheckPhase phase, long offset, ReadOnlyMemory<byte> buffer) => _write = new Write(type, phase, offset, buffer);

    /// <summary>One call on its own: the structure the caller built, as the kernel would hand it over.</summary>
    public void Adopt(DumpIoData data, BugCheckPhase phase)
    {
        _data = data;
        _write = new Write(data.Type, phase, data.Offset, data.Buffer);
    }

    /// <summary>Before a call: the write, at its offset or at -1 (<see cref="DumpIoData.SequentialOffset"/>) when writes are sequential.</summary>
    public ReasonCallbackData? Prepare(int position, int call)
    {
        _data.Prepare(_write.Type, run.Options.SequentialDumpIo ? DumpIoData.SequentialOffset : _write.Offset, _write.Buffer);
        return _data;
    }

    /// <summary>After a call: logged, with the write's length. One call per write.</summary>
    public bool Conclude(BugCheckRun.CallSite site, int call, BugCheckRun.CallResult result, BufferDumpState state)
    {
        run.Log(site, InvocationPass.None, _write.Type, result, _write.Buffer.Length, state);
        return false;
    }

    /// <summary>The write DumpIo callbacks are being shown.</summary>
    private readonly record struct Write(DumpIoType Type, BugCheckPhase Phase, long Offset, ReadOnlyMemory<byte> Buffer);
}
