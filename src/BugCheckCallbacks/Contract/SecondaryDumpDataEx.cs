namespace BugCheckCallbacks;

/// <summary>
/// Represents the data of a <see cref="BugCheckCallbackReason.SecondaryMultiPartDumpData"/> call; the managed twin of
/// <c>KBUGCHECK_SECONDARY_DUMP_DATA_EX</c> (wdm.h).
/// </summary>
/// <remarks>
/// Set <see cref="SecondaryDataFlags.AdditionalData"/> in <see cref="Flags"/> to be called again;
/// <see cref="Context"/> keeps its value between the calls. Every call must make progress (produce data).
/// </remarks>
public sealed class SecondaryDumpDataEx : SecondaryDumpData
{
    /// <summary>The size of <c>KBUGCHECK_SECONDARY_DUMP_DATA_EX</c> on x64.</summary>
    internal new const uint NativeSize = 0x68;

    internal SecondaryDumpDataEx(int inBufferLength)
        : base(inBufferLength)
    {
    }

    /// <inheritdoc/>
    public override uint Length => NativeSize;

    /// <summary>
    /// Creates the structure as the kernel hands it to one call of the multi-part protocol, to call one callback outside
    /// a bug check (see <see cref="Simulation.SimulatedKernel.Invoke{TData}"/>).
    /// </summary>
    /// <param name="maximumAllowed">The <c>MaximumAllowed</c> the kernel offers.</param>
    /// <param name="context">The <c>Context</c>: 0 on the first call, then what the callback left in it.</param>
    /// <param name="dumpType">The dump type being written (<c>DumpType</c>).</param>
    /// <param name="bugCheckCode">The stop code (<c>BugCheckCode</c>).</param>
    /// <param name="bugCheckParameter1">The first stop parameter.</param>
    /// <param name="bugCheckParameter2">The second stop parameter.</param>
    /// <param name="bugCheckParameter3">The third stop parameter.</param>
    /// <param name="bugCheckParameter4">The fourth stop parameter.</param>
    /// <param name="inBufferLength">The size of the system buffer (<c>InBufferLength</c>), from 0 to <see cref="SecondaryDumpData.MaxInBufferLength"/>.</param>
    /// <returns>A structure with <see cref="Flags"/> cleared and <see cref="SecondaryDumpData.OutBuffer"/> the zeroed <see cref="SecondaryDumpData.InBuffer"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="dumpType"/> is not a dump type the kernel writes, or <paramref name="inBufferLength"/> is out of range.</exception>
    public static SecondaryDumpDataEx ForCall(
        uint maximumAllowed,
        nint context = 0,
        DumpType dumpType = DumpType.Automatic,
        uint bugCheckCode = 0,
        ulong bugCheckParameter1 = 0,
        ulong bugCheckParameter2 = 0,
        ulong bugCheckParameter3 = 0,
        ulong bugCheckParameter4 = 0,
        int inBufferLength = DefaultInBufferLength)
    {
        DumpTypes.ThrowIfNotWritten(dumpType);
        var data = new SecondaryDumpDataEx(CheckInBufferLength(inBufferLength))
        {
            DumpType = dumpType,
            BugCheck = new(bugCheckCode, bugCheckParameter1, bugCheckParameter2, bugCheckParameter3, bugCheckParameter4),
        };
        data.PrepareDataCall(maximumAllowed);
        data.Context = context;
        data.Flags = SecondaryDataFlags.None;
        return data;
    }

    /// <summary>Gets or sets the callback's private context, zero before the first call and kept between calls (<c>Context</c>).</summary>
    public nint Context { get; set; }

    /// <summary>
    /// Gets or sets <see cref="Context"/> as a 0-based part counter, its common use in a multi-part callback: 0 on the first
    /// call; set it to the next part's index before returning (<c>d.PartIndex++</c>) instead of casting <c>Context</c>.
    /// </summary>
    /// <value>The low 32 bits of <see cref="Context"/>; meaningful only when the callback keeps a counter there, not a pointer.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value set is negative.</exception>
    public int PartIndex
    {
        get => unchecked((int)Context);
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value);
            Context = value;
        }
    }

    /// <summary>Gets or sets the flags exchanged with the kernel (<c>Flags</c>).</summary>
    public SecondaryDataFlags Flags { get; set; }

    /// <summary>Gets the kind of dump being written (<c>DumpType</c>).</summary>
    public DumpType DumpType { get; internal set; }

    /// <summary>Gets the bug-check code (<c>BugCheckCode</c>).</summary>
    public uint BugCheckCode => BugCheck.Code;

    /// <summary>Gets the first bug-check parameter (<c>BugCheckParameter1</c>).</summary>
    public ulong BugCheckParameter1 => BugCheck.Parameter1;

    /// <summary>Gets the second bug-check parameter (<c>BugCheckParameter2</c>).</summary>
    public ulong BugCheckParameter2 => BugCheck.Parameter2;

    /// <summary>Gets the third bug-check parameter (<c>BugCheckParameter3</c>).</summary>
    public ulong BugCheckParameter3 => BugCheck.Parameter3;

    /// <summary>Gets the fourth bug-check parameter (<c>BugCheckParameter4</c>).</summary>
    public ulong BugCheckParameter4 => BugCheck.Parameter4;

    /// <summary>Gets the stop code and its four parameters as one value: the five fields above.</summary>
    public BugCheckParameters BugCheck { get; internal set; }
}
