using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The crashing processor's registers and the exception record the dump header carries, consistent with the stop code
/// (docs/dump-format.md): the context stands in <c>KeBugCheckEx</c> with its four register arguments; the exception is the
/// access violation or the exception the stop code's parameters name, else a breakpoint at <c>KeBugCheckEx</c>.
/// </summary>
internal static class CrashContext
{
    private const uint StatusAccessViolation = 0xC0000005;
    private const uint StatusBreakpoint = 0x80000003;

    public static ProcessorContext For(BugCheckRequest request, ulong keBugCheckEx, ulong stackPointer) => new()
    {
        Rip = keBugCheckEx,
        Rsp = stackPointer,
        Rcx = request.BugCheck.Code,
        Rdx = request.BugCheck.Parameter1,
        R8 = request.BugCheck.Parameter2,
        R9 = request.BugCheck.Parameter3,
    };

    public static ExceptionRecord64 ExceptionFor(BugCheckRequest request, ulong keBugCheckEx) => request.BugCheck.Code switch
    {
        // IRQL_NOT_LESS_OR_EQUAL, DRIVER_IRQL_NOT_LESS_OR_EQUAL: P1 the address referenced, P3 the access, P4 the code.
        0x0A or 0xD1 => AccessViolation(request.BugCheck.Parameter4, request.BugCheck.Parameter3, request.BugCheck.Parameter1),
        // PAGE_FAULT_IN_NONPAGED_AREA: P1 the address referenced, P2 the access, P3 the code.
        0x50 => AccessViolation(request.BugCheck.Parameter3, request.BugCheck.Parameter2, request.BugCheck.Parameter1),
        // KMODE_EXCEPTION_NOT_HANDLED, SYSTEM_SERVICE_EXCEPTION, SYSTEM_THREAD_EXCEPTION_NOT_HANDLED(_M), KERNEL_MODE_EXCEPTION_NOT_HANDLED(_M):
        // P1 the exception code, P2 the address it was raised at.
        0x1E or 0x3B or 0x7E or 0x8E or 0x1000007E or 0x1000008E => new ExceptionRecord64 { Code = (uint)request.BugCheck.Parameter1, Address = request.BugCheck.Parameter2 },
        _ => new ExceptionRecord64 { Code = StatusBreakpoint, Address = keBugCheckEx },
    };

    /// <summary>An access violation: ExceptionInformation[0] is 0 for a read, 1 for a write, 8 for an execution; [1] the address.</summary>
    private static ExceptionRecord64 AccessViolation(ulong instruction, ulong access, ulong referenced) => new()
    {
        Code = StatusAccessViolation,
        Address = instruction,
        Parameters = [access switch { 1 => 1UL, 2 or 8 => 8UL, _ => 0UL }, referenced],
    };
}
