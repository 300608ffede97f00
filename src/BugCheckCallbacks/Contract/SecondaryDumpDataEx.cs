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

    /// <summary>Gets or sets the callback's private context, zero before the first call and kept between calls (<c>Context</c>).</summary>
    public nint Context { get; set; }

    /// <summary>Gets or sets the flags exchanged with the kernel (<c>Flags</c>).</summary>
    public SecondaryDataFlags Flags { get; set; }

    /// <summary>Gets the kind of dump being written (<c>DumpType</c>).</summary>
    public DumpType DumpType { get; internal set; }

    /// <summary>Gets the bug-check code (<c>BugCheckCode</c>).</summary>
    public uint BugCheckCode { get; internal set; }

    /// <summary>Gets the first bug-check parameter (<c>BugCheckParameter1</c>).</summary>
    public ulong BugCheckParameter1 { get; internal set; }

    /// <summary>Gets the second bug-check parameter (<c>BugCheckParameter2</c>).</summary>
    public ulong BugCheckParameter2 { get; internal set; }

    /// <summary>Gets the third bug-check parameter (<c>BugCheckParameter3</c>).</summary>
    public ulong BugCheckParameter3 { get; internal set; }

    /// <summary>Gets the fourth bug-check parameter (<c>BugCheckParameter4</c>).</summary>
    public ulong BugCheckParameter4 { get; internal set; }
}
