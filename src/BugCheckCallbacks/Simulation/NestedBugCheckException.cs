namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Unwinds a callback that calls <see cref="SimulatedKernel.KeBugCheckEx"/> during the bug check; the kernel catches it
/// and records <see cref="ViolationKind.NestedBugCheck"/>.
/// </summary>
#pragma warning disable CA1064 // Internal by design: only the simulated kernel throws and catches it.
internal sealed class NestedBugCheckException(BugCheckParameters bugCheck)
    : Exception($"Nested bug check 0x{bugCheck.Code:X8} during a bug check.")
#pragma warning restore CA1064
{
    public BugCheckParameters BugCheck { get; } = bugCheck;

    /// <summary>The nested call as the driver made it, its own four parameters with its own code (never the first crash's).</summary>
    public string Call => FormattableString.Invariant($"KeBugCheckEx(0x{BugCheck.Code:X8}, 0x{BugCheck.Parameter1:X}, 0x{BugCheck.Parameter2:X}, 0x{BugCheck.Parameter3:X}, 0x{BugCheck.Parameter4:X})");
}
