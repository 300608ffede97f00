namespace BugCheckCallbacks;

/// <summary>
/// Represents the data of a <see cref="BugCheckCallbackReason.DumpIo"/> call; the managed twin of
/// <c>KBUGCHECK_DUMP_IO</c> (wdm.h). Read-only for the callback.
/// </summary>
public sealed class DumpIoData : ReasonCallbackData
{
    /// <summary>The size of <c>KBUGCHECK_DUMP_IO</c> on x64.</summary>
    internal const uint NativeSize = 0x18;

    /// <summary>The <see cref="Offset"/> that means "written sequentially" (-1).</summary>
    public const long SequentialOffset = -1;

    internal DumpIoData()
    {
    }

    /// <inheritdoc/>
    public override uint Length => NativeSize;

    /// <summary>Gets the file offset of this write, or <see cref="SequentialOffset"/> for sequential writes (<c>Offset</c>).</summary>
    public long Offset { get; private set; }

    /// <summary>Gets the bytes being written; empty for <see cref="DumpIoType.Complete"/> (<c>Buffer</c>).</summary>
    public ReadOnlyMemory<byte> Buffer { get; private set; }

    /// <summary>Gets the number of bytes being written (<c>BufferLength</c>).</summary>
    public uint BufferLength { get; private set; }

    /// <summary>Gets which part of the dump is being written (<c>Type</c>).</summary>
    public DumpIoType Type { get; private set; }

    internal void Prepare(DumpIoType type, long offset, ReadOnlyMemory<byte> buffer)
    {
        Type = type;
        Offset = offset;
        Buffer = buffer;
        BufferLength = (uint)buffer.Length;
    }
}
