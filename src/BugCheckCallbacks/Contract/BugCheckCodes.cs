using System.Collections.Frozen;

namespace BugCheckCallbacks;

/// <summary>
/// The names of common stop codes and what their parameters mean, as data from Microsoft's public "Bug check code
/// reference" (Learn); what the debugger's <c>!analyze</c> prints first.
/// </summary>
public static class BugCheckCodes
{
    private static readonly FrozenDictionary<uint, BugCheckCodeInfo> s_codes = new BugCheckCodeInfo[]
    {
        new(0x01, "APC_INDEX_MISMATCH", [], null),
        new(0x0A, "IRQL_NOT_LESS_OR_EQUAL", ["The virtual address that could not be accessed", "The IRQL at the time of the fault", "Bit 0: 0 read, 1 write; bit 3: execute", "The instruction pointer at the time of the fault"], 4),
        new(0x19, "BAD_POOL_HEADER", [], null),
        new(0x1A, "MEMORY_MANAGEMENT", ["The type of memory management violation", string.Empty, string.Empty, string.Empty], null),
        new(0x1E, "KMODE_EXCEPTION_NOT_HANDLED", ["The exception code that was not handled", "The address where the exception occurred", "Parameter 0 of the exception", "Parameter 1 of the exception"], 2),
        new(0x24, "NTFS_FILE_SYSTEM", [], null),
        new(0x3B, "SYSTEM_SERVICE_EXCEPTION", ["The exception that caused the bug check", "The address of the instruction that caused it", "The address of the exception's context record", "0"], 2),
        new(0x4E, "PFN_LIST_CORRUPT", [], null),
        new(0x50, "PAGE_FAULT_IN_NONPAGED_AREA", ["The memory address referenced", "The access: 0 read, 1 write, 2 or 10 execute", "The address that referenced the memory, if known", "The type of page fault"], 3),
        new(0x7A, "KERNEL_DATA_INPAGE_ERROR", [], null),
        new(0x7B, "INACCESSIBLE_BOOT_DEVICE", [], null),
        new(0x7E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", ["The exception code that was not handled", "The address where the exception occurred", "The exception record's address", "The context record's address"], 2),
        new(0x7F, "UNEXPECTED_KERNEL_MODE_TRAP", ["The processor exception (trap) number", string.Empty, string.Empty, string.Empty], null),
        new(0x8E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED", ["The exception code that was not handled", "The address where the exception occurred", "The trap frame", "Reserved"], 2),
        new(0x9F, "DRIVER_POWER_STATE_FAILURE", ["The type of violation (a subcode)", string.Empty, string.Empty, string.Empty], null),
        new(0xA0, "INTERNAL_POWER_ERROR", [], null),
        new(0xBE, "ATTEMPTED_WRITE_TO_READONLY_MEMORY", ["The virtual address of the attempted write", "The PTE contents", "Reserved", "Reserved"], null),
        new(0xC2, "BAD_POOL_CALLER", [], null),
        new(0xC4, "DRIVER_VERIFIER_DETECTED_VIOLATION", ["The type of violation (a subcode)", string.Empty, string.Empty, string.Empty], null),
        new(0xC5, "DRIVER_CORRUPTED_EXPOOL", ["The memory referenced", "The IRQL at the time of the reference", "0 read, 1 write", "The address that referenced the memory"], 4),
        new(0xD1, "DRIVER_IRQL_NOT_LESS_OR_EQUAL", ["The memory referenced", "The IRQL at the time of the reference", "0 read, 1 write, 2 or 8 execute", "The address that referenced the memory"], 4),
        new(0xE2, "MANUALLY_INITIATED_CRASH", [], null),
        new(0xEF, "CRITICAL_PROCESS_DIED", ["The process object", string.Empty, string.Empty, string.Empty], null),
        new(0xF4, "CRITICAL_OBJECT_TERMINATION", [], null),
        new(0xFC, "ATTEMPTED_EXECUTE_OF_NOEXECUTE_MEMORY", ["The virtual address whose execution was attempted", "The PTE contents", "Reserved", "Reserved"], null),
        new(0x101, "CLOCK_WATCHDOG_TIMEOUT", [], null),
        new(0x109, "CRITICAL_STRUCTURE_CORRUPTION", [], null),
        new(0x116, "VIDEO_TDR_FAILURE", [], null),
        new(0x124, "WHEA_UNCORRECTABLE_ERROR", [], null),
        new(0x133, "DPC_WATCHDOG_VIOLATION", [], null),
        new(0x139, "KERNEL_SECURITY_CHECK_FAILURE", ["The type of corruption", "The address of the trap frame", "The address of the exception record", "Reserved"], null),
        new(0x154, "UNEXPECTED_STORE_EXCEPTION", [], null),
        new(0x1C8, "MANUALLY_INITIATED_POWER_BUTTON_HOLD", [], null),
        new(0x1000007E, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M", ["The exception code that was not handled", "The address where the exception occurred", "The exception record's address", "The context record's address"], 2),
        new(0x1000008E, "KERNEL_MODE_EXCEPTION_NOT_HANDLED_M", ["The exception code that was not handled", "The address where the exception occurred", "The trap frame", "Reserved"], 2),
        new(0xDEADDEAD, "MANUALLY_INITIATED_CRASH1", [], null),
    }.ToFrozenDictionary(c => c.Code);

    /// <summary>Gets every stop code the table names, ascending.</summary>
    public static IReadOnlyList<BugCheckCodeInfo> All { get; } = [.. s_codes.Values.OrderBy(c => c.Code)];

    /// <summary>
    /// DRIVER_POWER_STATE_FAILURE (0x9F): what parameters 2 to 4 mean for each subcode in Parameter 1, as the public
    /// reference for bug check 0x9F lists them.
    /// </summary>
    private static readonly FrozenDictionary<ulong, string[]> s_powerStateFailure = new Dictionary<ulong, string[]>
    {
        [0x1] = ["The device object", "Reserved", "Reserved"],
        [0x2] = ["The target device's device object, if available", "The device object", "The driver object, if available"],
        [0x3] = ["The physical device object (PDO) of the stack", "nt!TRIAGE_9F_POWER", "The blocked IRP"],
        [0x4] = ["The time-out value, in seconds", "The thread holding the Plug and Play lock", "nt!TRIAGE_9F_PNP"],
        [0x5] = ["The physical device object of the stack", "The POP_FX_DEVICE object", "Reserved (0)"],
        [0x6] = ["The POP_FX_DEVICE object", "1: a directed power-down completed; 0: a power-up", "Reserved (0)"],
        [0x500] = ["Reserved", "The target device's device object, if available", "The device object"],
    }.ToFrozenDictionary();

    /// <summary>
    /// Gets what each of a bug check's four parameters means, as the debugger's <c>!analyze</c> prints it: the table's
    /// meanings, or for a stop code whose parameters depend on a subcode in Parameter 1 (DRIVER_POWER_STATE_FAILURE,
    /// 0x9F), that subcode's.
    /// </summary>
    /// <param name="code">The stop code.</param>
    /// <param name="parameter1">Parameter 1 (the subcode, where the stop code has one).</param>
    /// <returns>Four meanings; an empty string where the reference says nothing (or the stop code is not in the table).</returns>
    public static IReadOnlyList<string> ParameterMeanings(uint code, ulong parameter1)
    {
        if (code == 0x9F && s_powerStateFailure.TryGetValue(parameter1, out var rest))
        {
            return [s_codes[code].Parameters[0], .. rest];
        }

        return TryGet(code, out var info) && info.Parameters.Count == 4 ? info.Parameters : ["", "", "", ""];
    }

    /// <summary>Looks up a stop code.</summary>
    /// <param name="code">The stop code.</param>
    /// <param name="info">Its name and parameter meanings, or null.</param>
    /// <returns><see langword="true"/> when the table names it.</returns>
    public static bool TryGet(uint code, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out BugCheckCodeInfo? info) => s_codes.TryGetValue(code, out info);
}
