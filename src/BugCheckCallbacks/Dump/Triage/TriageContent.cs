namespace BugCheckCallbacks.Dump;

/// <summary>What a small memory dump copies out of the crashed machine's memory (docs/dump-format.md, "Small memory dumps").</summary>
/// <param name="Memory">Where the bytes come from.</param>
/// <param name="DebuggerData">The virtual address of <c>KDDEBUGGER_DATA64</c>, or 0 for none.</param>
/// <param name="Drivers">Every loaded module: its full name (<c>\SystemRoot\system32\ntoskrnl.exe</c>, as Windows lists them) and the virtual address of its <c>KLDR_DATA_TABLE_ENTRY</c>.</param>
/// <param name="Blocks">The blocks of virtual memory to keep (the triage callbacks' blocks), in order.</param>
/// <param name="DataPage">The virtual address of the page the crash refers to, or 0 for none.</param>
/// <param name="TopOfStack">The crashing thread's stack pointer at the bug check: the call stack is copied from it up.</param>
internal sealed record TriageContent(
    IVirtualMemorySource Memory,
    ulong DebuggerData,
    IReadOnlyList<(string Name, ulong Entry)> Drivers,
    IReadOnlyList<(ulong Address, uint Size)> Blocks,
    ulong DataPage,
    ulong TopOfStack = 0);
