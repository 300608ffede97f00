using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Native;

/// <summary>
/// The kernel routines native drivers call, as one table shared by every loaded driver. Each finds the driver calling it
/// from the thread (<see cref="CallingDriver.Current"/>); nothing may throw back into native code, so each catches all.
/// </summary>
[SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "An exception must not unwind into the driver's native frames: the routine fails instead.")]
internal static unsafe class KernelRoutines
{
    private const byte PassiveLevel = 0;
    private const byte HighLevel = 15;

    /// <summary>The table, allocated once for the process (drivers keep a pointer to it).</summary>
    public static BccKernelRoutines* Table { get; } = Build();

    private static BccKernelRoutines* Build()
    {
        var table = (BccKernelRoutines*)NativeMemory.AllocZeroed((nuint)sizeof(BccKernelRoutines));
        table->Size = (uint)sizeof(BccKernelRoutines);
        table->Version = BccKernelRoutines.CurrentVersion;
        table->KeRegisterBugCheckReasonCallback = &KeRegisterBugCheckReasonCallback;
        table->KeDeregisterBugCheckReasonCallback = &KeDeregisterBugCheckReasonCallback;
        table->KeRegisterBugCheckCallback = &KeRegisterBugCheckCallback;
        table->KeDeregisterBugCheckCallback = &KeDeregisterBugCheckCallback;
        table->KeInitializeTriageDumpDataArray = &KeInitializeTriageDumpDataArray;
        table->KeAddTriageDumpDataBlock = &KeAddTriageDumpDataBlock;
        table->KeGetCurrentIrql = &KeGetCurrentIrql;
        table->KeBugCheckEx = &KeBugCheckEx;
        table->ExAllocatePool2 = &ExAllocatePool2;
        table->ExAllocatePoolWithTag = &ExAllocatePoolWithTag;
        table->ExFreePoolWithTag = &ExFreePoolWithTag;
        return table;
    }

    [UnmanagedCallersOnly]
    private static byte KeRegisterBugCheckReasonCallback(nint record, nint routine, int reason, nint component)
    {
        try
        {
            return CallingDriver.Current is { } driver && driver.Kernel.RegisterReason(driver, record, routine, (BugCheckCallbackReason)reason, component) ? (byte)1 : (byte)0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static byte KeDeregisterBugCheckReasonCallback(nint record)
    {
        try
        {
            return CallingDriver.Current is { } driver && driver.Kernel.DeregisterReason(record) ? (byte)1 : (byte)0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static byte KeRegisterBugCheckCallback(nint record, nint routine, nint buffer, uint length, nint component)
    {
        try
        {
            return CallingDriver.Current is { } driver && driver.Kernel.RegisterClassic(driver, record, routine, buffer, length, component) ? (byte)1 : (byte)0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static byte KeDeregisterBugCheckCallback(nint record)
    {
        try
        {
            return CallingDriver.Current is { } driver && driver.Kernel.DeregisterClassic(record) ? (byte)1 : (byte)0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static int KeInitializeTriageDumpDataArray(nint array, uint size)
    {
        try
        {
            return CallingDriver.Current is { } driver ? (int)driver.Kernel.TriageArrays.Initialize(driver, array, size) : (int)NtStatus.InvalidDeviceState;
        }
        catch (Exception)
        {
            return (int)NtStatus.InvalidDeviceState;
        }
    }

    [UnmanagedCallersOnly]
    private static int KeAddTriageDumpDataBlock(nint array, nint address, nuint size)
    {
        try
        {
            return CallingDriver.Current is { } driver ? (int)driver.Kernel.TriageArrays.AddBlock(array, address, size) : (int)NtStatus.InvalidDeviceState;
        }
        catch (Exception)
        {
            return (int)NtStatus.InvalidDeviceState;
        }
    }

    /// <summary>HIGH_LEVEL on the bug-check thread (the crash, or one call outside it), PASSIVE_LEVEL elsewhere (DriverEntry).</summary>
    [UnmanagedCallersOnly]
    private static byte KeGetCurrentIrql() => Simulation.SimulatedKernel.Current is null ? PassiveLevel : HighLevel;

    [UnmanagedCallersOnly]
    private static void KeBugCheckEx(uint code, nuint parameter1, nuint parameter2, nuint parameter3, nuint parameter4) =>
        CallingDriver.Current?.NoteBugCheck(code, parameter1, parameter2, parameter3, parameter4);

    [UnmanagedCallersOnly]
    private static nint ExAllocatePool2(ulong flags, nuint size, uint tag)
    {
        try
        {
            return CallingDriver.Current is { } driver ? NativeKernel.AllocatePool(driver, size) : 0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static nint ExAllocatePoolWithTag(int poolType, nuint size, uint tag)
    {
        try
        {
            return CallingDriver.Current is { } driver ? NativeKernel.AllocatePool(driver, size) : 0;
        }
        catch (Exception)
        {
            return 0;
        }
    }

    [UnmanagedCallersOnly]
    private static void ExFreePoolWithTag(nint pointer, uint tag)
    {
        try
        {
            CallingDriver.Current?.Memory.Free(pointer);
        }
        catch (Exception)
        {
            // Freeing what the driver does not own frees nothing.
        }
    }
}
