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

    /// <summary>The <see cref="MaxVirtMemSize"/> <see cref="ForCall"/> uses when none is given, and the simulated kernel's default: 1 MiB.</summary>
    public const uint DefaultMaxVirtMemSize = 0x100000;

    /// <summary>
    /// Creates the structure as the kernel hands it to a TriageDumpData callback during a bug check, to call one callback
    /// outside a bug check (see <see cref="Simulation.SimulatedKernel.Invoke{TData}"/>).
    /// </summary>
    /// <param name="maxVirtMemSize">The most bytes the blocks may add (<c>MaxVirtMemSize</c>), at most <see cref="TriageDumpDataArray.MaxMemorySize"/>.</param>
    /// <param name="bugCheckCode">The stop code (<c>BugCheckCode</c>).</param>
    /// <param name="bugCheckParameter1">The first stop parameter.</param>
    /// <param name="bugCheckParameter2">The second stop parameter.</param>
    /// <param name="bugCheckParameter3">The third stop parameter.</param>
    /// <param name="bugCheckParameter4">The fourth stop parameter.</param>
    /// <returns>A structure with <see cref="Flags"/> = <see cref="TriageDumpDataFlags.BugCheckActive"/> and <see cref="DataArray"/> null.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxVirtMemSize"/> exceeds <see cref="TriageDumpDataArray.MaxMemorySize"/>.</exception>
    public static TriageDumpData ForCall(
        uint maxVirtMemSize = DefaultMaxVirtMemSize,
        uint bugCheckCode = 0,
        ulong bugCheckParameter1 = 0,
        ulong bugCheckParameter2 = 0,
        ulong bugCheckParameter3 = 0,
        ulong bugCheckParameter4 = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxVirtMemSize, TriageDumpDataArray.MaxMemorySize);
        return new TriageDumpData
        {
            Flags = TriageDumpDataFlags.BugCheckActive,
            MaxVirtMemSize = maxVirtMemSize,
            BugCheck = new(bugCheckCode, bugCheckParameter1, bugCheckParameter2, bugCheckParameter3, bugCheckParameter4),
        };
    }

    /// <summary>Gets or sets the array of blocks the callback contributes (<c>DataArray</c>); null on entry.</summary>
    public TriageDumpDataArray? DataArray { get; set; }

    /// <summary>Gets the flags passed in; <see cref="TriageDumpDataFlags.BugCheckActive"/> during a bug check (<c>Flags</c>).</summary>
    public TriageDumpDataFlags Flags { get; internal set; }

    /// <summary>Gets the most bytes of memory the callback's blocks may add to the dump (<c>MaxVirtMemSize</c>).</summary>
    public uint MaxVirtMemSize { get; internal set; }

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
