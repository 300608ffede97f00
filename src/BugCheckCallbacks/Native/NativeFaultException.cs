using System.Globalization;

namespace BugCheckCallbacks.Native;

/// <summary>
/// A native routine faulted (SIGSEGV, SIGBUS, SIGILL, SIGFPE; on Windows an access violation, an illegal instruction,
/// an arithmetic exception) and the header's trampoline contained it, as the kernel's
/// exception handler contains a fault in a callback; the run reports it as <see cref="Simulation.ViolationKind.CallbackThrew"/>.
/// </summary>
#pragma warning disable CA1064 // Internal by design: only the native calls throw it, and the run catches it.
internal sealed class NativeFaultException(string message) : Exception(message)
#pragma warning restore CA1064
{
    /// <summary>Describes <paramref name="fault"/> of <paramref name="driver"/>'s code: the signal, the address, the instruction as module+offset.</summary>
    public static NativeFaultException Of(NativeDriver driver, BccFault fault, string routine)
    {
        var instruction = fault.Instruction != 0 && fault.Instruction >= driver.Memory.ImageStart && fault.Instruction < driver.Memory.ImageEnd
            ? string.Create(CultureInfo.InvariantCulture, $"{System.IO.Path.GetFileName(driver.Path)}+0x{fault.Instruction - driver.Memory.ImageStart:X}")
            : string.Create(CultureInfo.InvariantCulture, $"0x{fault.Instruction:X}{(fault.Instruction == fault.Address ? " (a call or jump there)" : " (outside the driver's image)")}");
        return new NativeFaultException(string.Create(CultureInfo.InvariantCulture,
            $"{routine} faulted: {SignalName(fault.Signal)} at address 0x{fault.Address:X}, instruction {instruction}; the kernel's exception handler contained it."));
    }

    /// <summary>The signal's name (the numbers of SIGBUS differ between Linux and macOS), or on Windows the exception's.</summary>
    private static string SignalName(int signal) => OperatingSystem.IsWindows() ? ExceptionName(unchecked((uint)signal)) : signal switch
    {
        11 => "SIGSEGV (a bad memory access)",
        4 => "SIGILL (an illegal instruction)",
        8 => "SIGFPE (an arithmetic fault, such as a division by zero)",
        12 when OperatingSystem.IsLinux() => "SIGUSR2 (the kernel's interrupt after the hang timeout)",
        31 when OperatingSystem.IsMacOS() => "SIGUSR2 (the kernel's interrupt after the hang timeout)",
        7 when OperatingSystem.IsLinux() => "SIGBUS (a bad memory access)",
        10 when OperatingSystem.IsMacOS() => "SIGBUS (a bad memory access)",
        _ => string.Create(CultureInfo.InvariantCulture, $"signal {signal}"),
    };

    /// <summary>The name of a Windows exception code the header's vectored handler contains (ntstatus.h), or of its interrupt.</summary>
    private static string ExceptionName(uint code) => code switch
    {
        0xC0000005 => "STATUS_ACCESS_VIOLATION (a bad memory access)",
        0xC0000006 => "STATUS_IN_PAGE_ERROR (a bad memory access)",
        0x80000002 => "STATUS_DATATYPE_MISALIGNMENT (a misaligned access)",
        0xC000001D => "STATUS_ILLEGAL_INSTRUCTION (an illegal instruction)",
        0xC0000096 => "STATUS_PRIVILEGED_INSTRUCTION (an instruction only the kernel may run)",
        0xC0000094 => "STATUS_INTEGER_DIVIDE_BY_ZERO (a division by zero)",
        0xC0000095 => "STATUS_INTEGER_OVERFLOW (an arithmetic fault)",
        0xE0424343 => "the kernel's interrupt after the hang timeout",
        _ => string.Create(CultureInfo.InvariantCulture, $"exception 0x{code:X8}"),
    };
}
