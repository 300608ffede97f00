namespace BugCheckCallbacks.Native;

/// <summary>A native routine handed back a pointer the kernel will not read; the run reports it as <see cref="Simulation.ViolationKind.InvalidPointer"/>.</summary>
#pragma warning disable CA1064 // Internal by design: only the native marshalling throws it, and the run catches it.
internal sealed class InvalidNativePointerException(string message) : Exception(message)
#pragma warning restore CA1064
{
}
