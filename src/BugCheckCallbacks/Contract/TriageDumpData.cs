namespace BugCheckCallbacks;

/// <summary>
/// Represents the data of a <see cref="BugCheckCallbackReason.TriageDumpData"/> call; the managed twin of
/// <c>KBUGCHECK_TRIAGE_DUMP_DATA</c> (wdm.h).
/// </summary>
/// <remarks>
/// The callback returns its blocks by pointing <see cref="DataArray"/> at a <see cref="TriageDumpDataArray"/> it
/// built before the crash; the blocks together must not exceed <see cref="MaxVirtMemSize"/>.
/// </remarks>
public sealed class TriageDumpData : ReasonCallbackData
{
    /// <summary>The size of <c>KBUGCHECK_TRIAGE_DUMP_DATA</c> on x64.</summary>
    internal const uint NativeSize = 0x38;

    internal TriageDumpData()
    {
    }

    /// <inheritdoc/>
    public override uint Length => NativeSize;

    /// <summary>Gets or sets the array of blocks the callback contributes (<c>DataArray</c>); null on entry.</summary>
    public TriageDumpDataArray? DataArray { get; set; }

    /// <summary>Gets the flags passed in; <see cref="TriageDumpDataFlags.BugCheckActive"/> during a bug check (<c>Flags</c>).</summary>
    public TriageDumpDataFlags Flags { get; internal set; }

    /// <summary>Gets the most bytes of memory the callback's blocks may add to the dump (<c>MaxVirtMemSize</c>).</summary>
    public uint MaxVirtMemSize { get; internal set; }

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
