namespace BugCheckCallbacks.Forensics;

/// <summary>Represents the decoded KDBG block (<c>KDDEBUGGER_DATA64</c>) a walk found.</summary>
/// <param name="Address">Its virtual address.</param>
/// <param name="FromHeader">Whether the header's <c>KdDebuggerDataBlock</c> named it (else a scan for its tag found it).</param>
/// <param name="Size">Its <c>Size</c> field (0x340 on x64).</param>
/// <param name="KernBase">The kernel image base (<c>KernBase</c>).</param>
/// <param name="PsLoadedModuleList">The loaded-module list head.</param>
/// <param name="PsActiveProcessHead">The process list head.</param>
/// <param name="KeBugCheckCallbackListHead">The classic bug-check callback list head.</param>
/// <param name="KiBugcheckData">The address of the stop code and its parameters.</param>
/// <param name="MmPfnDatabase">The PFN database's address, or 0.</param>
public sealed record DebuggerDataBlock(
    ulong Address,
    bool FromHeader,
    uint Size,
    ulong KernBase,
    ulong PsLoadedModuleList,
    ulong PsActiveProcessHead,
    ulong KeBugCheckCallbackListHead,
    ulong KiBugcheckData,
    ulong MmPfnDatabase);
