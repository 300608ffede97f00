namespace BugCheckCallbacks.Dump;

/// <summary>
/// Specifies which parts a small memory dump holds: the header's <c>MiniDumpFields</c> (the <c>TRIAGE_DUMP_*</c> flags;
/// KERNEL-DUMP.md §8, after Ghidra's <c>Pagedump.java</c>).
/// </summary>
[Flags]
public enum TriageDumpFields : uint
{
    /// <summary>No part is marked present.</summary>
    None = 0,

    /// <summary>The processor's <c>CONTEXT</c> (<c>TRIAGE_DUMP_CONTEXT</c>).</summary>
    Context = 0x1,

    /// <summary>The <c>EXCEPTION_RECORD64</c> (<c>TRIAGE_DUMP_EXCEPTION</c>).</summary>
    Exception = 0x2,

    /// <summary>The processor's <c>KPRCB</c> (<c>TRIAGE_DUMP_PRCB</c>).</summary>
    Prcb = 0x4,

    /// <summary>The current process (<c>TRIAGE_DUMP_PROCESS</c>).</summary>
    Process = 0x8,

    /// <summary>The current thread (<c>TRIAGE_DUMP_THREAD</c>).</summary>
    Thread = 0x10,

    /// <summary>The current thread's stack (<c>TRIAGE_DUMP_STACK</c>).</summary>
    Stack = 0x20,

    /// <summary>The loaded-driver list and its string pool (<c>TRIAGE_DUMP_DRIVER_LIST</c>).</summary>
    DriverList = 0x40,

    /// <summary>The driver blamed for the crash (<c>TRIAGE_DUMP_BROKEN_DRIVER</c>).</summary>
    BrokenDriver = 0x80,

    /// <summary>Memory-manager information (<c>TRIAGE_DUMP_MMINFO</c>).</summary>
    MmInfo = 0x100,

    /// <summary>One page of data the crash refers to (<c>TRIAGE_DUMP_DATAPAGE</c>).</summary>
    DataPage = 0x200,

    /// <summary>A copy of <c>KDDEBUGGER_DATA64</c> (<c>TRIAGE_DUMP_DEBUGGER_DATA</c>).</summary>
    DebuggerData = 0x400,

    /// <summary>Blocks of virtual memory, where <c>KbCallbackTriageDumpData</c> blocks land (<c>TRIAGE_DUMP_DATA_BLOCKS</c>).</summary>
    DataBlocks = 0x800,
}
