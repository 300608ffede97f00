namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Unwinds a callback that calls <see cref="SimulatedKernel.KeBugCheckEx"/> during the bug check; the kernel catches it
/// and records <see cref="ViolationKind.NestedBugCheck"/>.
/// </summary>
#pragma warning disable CA1064 // Internal by design: only the simulated kernel throws and catches it.
internal sealed class NestedBugCheckException(uint bugCheckCode) : Exception($"Nested bug check 0x{bugCheckCode:X8} during a bug check.")
#pragma warning restore CA1064
{
    public uint BugCheckCode { get; } = bugCheckCode;
}
