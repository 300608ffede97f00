namespace BugCheckCallbacks;

/// <summary>
/// Represents the data of a <see cref="BugCheckCallbackReason.SecondaryDumpData"/> call; the managed twin of
/// <c>KBUGCHECK_SECONDARY_DUMP_DATA</c> (wdm.h).
/// </summary>
/// <remarks>
/// The kernel calls every such callback twice: a sizing pass (<see cref="IsSizeQuery"/>, <see cref="OutBuffer"/>
/// empty) where the callback reports <see cref="OutBufferLength"/>, then a data pass where
/// <see cref="OutBuffer"/> starts as <see cref="InBuffer"/> and the callback sets <see cref="Guid"/> and its output.
/// Data that fits in <see cref="InBuffer"/> may be written there; larger data must come from a buffer the driver
/// allocated before the crash.
/// </remarks>
public class SecondaryDumpData : ReasonCallbackData
{
    /// <summary>The size of <c>KBUGCHECK_SECONDARY_DUMP_DATA</c> on x64.</summary>
    internal const uint NativeSize = 0x30;

    private readonly byte[] _inBuffer;

    /// <summary>The <see cref="InBufferLength"/> the factory methods use when none is given: one page.</summary>
    public const int DefaultInBufferLength = 4096;

    /// <summary>The largest <see cref="InBufferLength"/> the factory methods accept: 1 MiB.</summary>
    public const int MaxInBufferLength = 1 << 20;

    internal SecondaryDumpData(int inBufferLength)
    {
        _inBuffer = new byte[inBufferLength];
    }

    /// <summary>
    /// Creates the structure as the kernel hands it to the sizing pass (<c>OutBuffer == NULL</c>), to call one callback
    /// outside a bug check (see <see cref="Simulation.SimulatedKernel.Invoke{TData}"/>).
    /// </summary>
    /// <param name="maximumAllowed">The <c>MaximumAllowed</c> the kernel offers.</param>
    /// <param name="inBufferLength">The size of the system buffer (<c>InBufferLength</c>), from 0 to <see cref="MaxInBufferLength"/>.</param>
    /// <returns>A structure in the sizing pass: <see cref="IsSizeQuery"/> set, <see cref="OutBuffer"/> empty, <see cref="Guid"/> empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inBufferLength"/> is negative or larger than <see cref="MaxInBufferLength"/>.</exception>
    public static SecondaryDumpData ForSizeQuery(uint maximumAllowed, int inBufferLength = DefaultInBufferLength)
    {
        var data = new SecondaryDumpData(CheckInBufferLength(inBufferLength));
        data.PrepareSizeQuery(maximumAllowed);
        return data;
    }

    /// <summary>
    /// Creates the structure as the kernel hands it to the data pass (<c>OutBuffer == InBuffer</c>), to call one callback
    /// outside a bug check (see <see cref="Simulation.SimulatedKernel.Invoke{TData}"/>).
    /// </summary>
    /// <param name="maximumAllowed">The <c>MaximumAllowed</c> the kernel offers.</param>
    /// <param name="inBufferLength">The size of the system buffer (<c>InBufferLength</c>), from 0 to <see cref="MaxInBufferLength"/>.</param>
    /// <returns>A structure in the data pass: <see cref="OutBuffer"/> is the zeroed <see cref="InBuffer"/>, <see cref="Guid"/> empty.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="inBufferLength"/> is negative or larger than <see cref="MaxInBufferLength"/>.</exception>
    public static SecondaryDumpData ForDataPass(uint maximumAllowed, int inBufferLength = DefaultInBufferLength)
    {
        var data = new SecondaryDumpData(CheckInBufferLength(inBufferLength));
        data.PrepareDataCall(maximumAllowed);
        return data;
    }

    /// <summary>Returns <paramref name="inBufferLength"/> when it is a size the kernel could hand over.</summary>
    private protected static int CheckInBufferLength(int inBufferLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inBufferLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(inBufferLength, MaxInBufferLength);
        return inBufferLength;
    }

    /// <inheritdoc/>
    public override uint Length => NativeSize;

    /// <summary>Gets the system-supplied buffer the callback may write short data into (<c>InBuffer</c>).</summary>
    public Memory<byte> InBuffer => _inBuffer;

    /// <summary>Gets the size of <see cref="InBuffer"/> in bytes (<c>InBufferLength</c>).</summary>
    public uint InBufferLength => (uint)_inBuffer.Length;

    /// <summary>Gets the most data, in bytes, the kernel accepts from this call (<c>MaximumAllowed</c>).</summary>
    /// <remarks>Output longer than this is dropped whole.</remarks>
    public uint MaximumAllowed { get; internal set; }

    /// <summary>Gets or sets the tag of the data block (<c>Guid</c>, set by the callback in the data pass).</summary>
    /// <remarks>When two blocks share a GUID, only the first can be read back from the dump.</remarks>
    public Guid Guid { get; set; }

    /// <summary>Gets or sets the data the callback returns (<c>OutBuffer</c>).</summary>
    /// <remarks>Empty on entry to the sizing pass; <see cref="InBuffer"/> on entry to the data pass.</remarks>
    public ReadOnlyMemory<byte> OutBuffer { get; set; }

    /// <summary>Gets or sets the size of the returned data in bytes (<c>OutBufferLength</c>).</summary>
    public uint OutBufferLength { get; set; }

    /// <summary>Gets a value indicating whether this is the sizing pass (<c>OutBuffer == NULL</c> on entry).</summary>
    public bool IsSizeQuery { get; private set; }

    /// <summary>Points <see cref="OutBuffer"/> at <paramref name="data"/> and sets <see cref="OutBufferLength"/> to its length.</summary>
    /// <param name="data">The data to return; memory the driver owns, or a slice of <see cref="InBuffer"/>.</param>
    public void SetOutput(ReadOnlyMemory<byte> data)
    {
        OutBuffer = data;
        OutBufferLength = (uint)data.Length;
    }

    /// <summary>Prepares the structure for a call of the sizing pass.</summary>
    internal void PrepareSizeQuery(uint maximumAllowed)
    {
        IsSizeQuery = true;
        OutBuffer = ReadOnlyMemory<byte>.Empty;
        Reset(maximumAllowed);
    }

    /// <summary>Prepares the structure for a call that returns data (the data pass, or a multi-part call).</summary>
    internal void PrepareDataCall(uint maximumAllowed)
    {
        IsSizeQuery = false;
        OutBuffer = _inBuffer;
        Reset(maximumAllowed);
    }

    private void Reset(uint maximumAllowed)
    {
        // A fresh zeroed system buffer and a cleared tag each call: output the callback did not produce this call
        // must not look like output.
        Array.Clear(_inBuffer);
        MaximumAllowed = maximumAllowed;
        Guid = Guid.Empty;
        OutBufferLength = 0;
    }
}
