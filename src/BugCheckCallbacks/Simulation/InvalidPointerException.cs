namespace BugCheckCallbacks.Simulation;

/// <summary>
/// A routine handed back a pointer the kernel will not read; the run reports it as <see cref="ViolationKind.InvalidPointer"/>.
/// The simulation's own: a routine's marshalling (Native) throws it, the run catches it.
/// </summary>
#pragma warning disable CA1064 // Internal by design: only a routine's marshalling throws it, and the run catches it.
internal sealed class InvalidPointerException(string message) : Exception(message)
#pragma warning restore CA1064
{
}
