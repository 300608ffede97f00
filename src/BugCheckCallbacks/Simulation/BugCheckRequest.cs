namespace BugCheckCallbacks.Simulation;

/// <summary>What <see cref="SimulatedKernel.KeBugCheckEx"/> was asked: the stop code, its parameters and the dump type.</summary>
internal sealed record BugCheckRequest(BugCheckParameters BugCheck, DumpType DumpType);
