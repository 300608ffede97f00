namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents where the simulated kernel's own structures are in the dump's memory: the ground truth a dump walker's
/// answers can be checked against (docs/forensics.md).
/// </summary>
public sealed record KernelLayoutInfo
{
    /// <summary>Gets the address of the decoded KDBG (<c>KDDEBUGGER_DATA64</c>), as the header's <c>KdDebuggerDataBlock</c> says.</summary>
    public ulong KdDebuggerDataBlock { get; init; }

    /// <summary>Gets the address of <c>PsLoadedModuleList</c>, the head of the loaded-module list.</summary>
    public ulong PsLoadedModuleList { get; init; }

    /// <summary>Gets the address of <c>KeBugCheckCallbackListHead</c>, the classic callbacks' list head.</summary>
    public ulong KeBugCheckCallbackListHead { get; init; }

    /// <summary>Gets the address of <c>KeBugCheckReasonCallbackListHead</c>, the reason callbacks' list head.</summary>
    public ulong KeBugCheckReasonCallbackListHead { get; init; }

    /// <summary>Gets the address of <c>KeBugCheckAddRemovePagesCallbackListHead</c>, the AddPages and RemovePages records' list head (Windows 10+).</summary>
    public ulong KeBugCheckAddRemovePagesCallbackListHead { get; init; }

    /// <summary>Gets the loaded modules, in list order: ntoskrnl.exe, hal.dll, then every component and native driver.</summary>
    public IReadOnlyList<KernelModuleInfo> Modules { get; init; } = [];
}
