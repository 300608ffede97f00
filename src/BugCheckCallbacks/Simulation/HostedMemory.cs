using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// What loaded native drivers add to the simulated kernel's memory: their images, listed as loaded modules at their real
/// addresses, and the records that live in their memory (the dump shows those at the driver's addresses).
/// </summary>
internal sealed record HostedMemory(
    IReadOnlyList<HostedModule> Modules,
    IReadOnlyDictionary<BugCheckReasonCallbackRecord, ulong> ReasonRecords,
    IReadOnlyDictionary<BugCheckCallbackRecord, ulong> ClassicRecords);

/// <summary>A native driver's image: its module name, the library it was loaded from, and where it is mapped.</summary>
internal readonly record struct HostedModule(string Name, string Path, ulong Base, ulong Size);
