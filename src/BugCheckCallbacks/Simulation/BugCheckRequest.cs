namespace BugCheckCallbacks.Simulation;

/// <summary>What <see cref="SimulatedKernel.KeBugCheckEx"/> was asked: the stop code, its parameters and the dump type.</summary>
internal sealed record BugCheckRequest(
    uint BugCheckCode,
    ulong BugCheckParameter1,
    ulong BugCheckParameter2,
    ulong BugCheckParameter3,
    ulong BugCheckParameter4,
    DumpType DumpType);
