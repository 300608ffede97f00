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

    /// <summary>
    /// Creates the structure as the kernel hands one write of the dump to a DumpIo callback, to call one callback outside
    /// a bug check (see <see cref="Simulation.SimulatedKernel.Invoke{TData}"/>).
    /// </summary>
    /// <param name="type">What is being written (<c>Type</c>).</param>
    /// <param name="offset">The write's offset in the dump file, or <see cref="SequentialOffset"/> (<c>Offset</c>).</param>
    /// <param name="buffer">The bytes written (<c>Buffer</c>, <c>BufferLength</c>); empty for <see cref="DumpIoType.Complete"/>.</param>
    /// <returns>The structure.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined <see cref="DumpIoType"/> other than Invalid, or <paramref name="offset"/> is negative and not <see cref="SequentialOffset"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="type"/> is <see cref="DumpIoType.Complete"/> and <paramref name="buffer"/> is not empty.</exception>
    public static DumpIoData ForWrite(DumpIoType type, long offset, ReadOnlyMemory<byte> buffer)
    {
        if (type == DumpIoType.Invalid || !Enum.IsDefined(type))
        {
            throw new ArgumentOutOfRangeException(nameof(type), type, $"{(int)type} is not a DumpIo write type (Header, Body, SecondaryData or Complete).");
        }

        if (offset < 0 && offset != SequentialOffset)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, "The offset must be 0 or more, or SequentialOffset (-1).");
        }

        if (type == DumpIoType.Complete && !buffer.IsEmpty)
        {
            throw new ArgumentException("The Complete call carries no buffer.", nameof(buffer));
        }

        var data = new DumpIoData();
        data.Prepare(type, offset, buffer);
        return data;
    }

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
