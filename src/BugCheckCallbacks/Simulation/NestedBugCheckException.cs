namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Unwinds a callback that calls <see cref="SimulatedKernel.KeBugCheckEx"/> during the bug check; the kernel catches it
/// and records <see cref="ViolationKind.NestedBugCheck"/>.
/// </summary>
#pragma warning disable CA1064 // Internal by design: only the simulated kernel throws and catches it.
internal sealed class NestedBugCheckException(uint bugCheckCode, ulong parameter1, ulong parameter2, ulong parameter3, ulong parameter4)
    : Exception($"Nested bug check 0x{bugCheckCode:X8} during a bug check.")
#pragma warning restore CA1064
{
    public uint BugCheckCode { get; } = bugCheckCode;

    /// <summary>The nested call as the driver made it, its own four parameters with its own code (never the first crash's).</summary>
    public string Call => FormattableString.Invariant($"KeBugCheckEx(0x{BugCheckCode:X8}, 0x{parameter1:X}, 0x{parameter2:X}, 0x{parameter3:X}, 0x{parameter4:X})");
}
