using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Native;

// The two structures include/bugcheck_callbacks.h shares with the loader; the header asserts the same layout.

/// <summary><c>BCC_KERNEL_ROUTINES</c>: the kernel routines a driver reaches through <c>BccDriverGlue.Kernel</c> (0x60 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BccKernelRoutines
{
    public const uint CurrentVersion = 1;

    public uint Size;
    public uint Version;
    public delegate* unmanaged<nint, nint, int, nint, byte> KeRegisterBugCheckReasonCallback;
    public delegate* unmanaged<nint, byte> KeDeregisterBugCheckReasonCallback;
    public delegate* unmanaged<nint, nint, nint, uint, nint, byte> KeRegisterBugCheckCallback;
    public delegate* unmanaged<nint, byte> KeDeregisterBugCheckCallback;
    public delegate* unmanaged<nint, uint, int> KeInitializeTriageDumpDataArray;
    public delegate* unmanaged<nint, nint, nuint, int> KeAddTriageDumpDataBlock;
    public delegate* unmanaged<byte> KeGetCurrentIrql;
    public delegate* unmanaged<uint, nuint, nuint, nuint, nuint, void> KeBugCheckEx;
    public delegate* unmanaged<ulong, nuint, uint, nint> ExAllocatePool2;
    public delegate* unmanaged<int, nuint, uint, nint> ExAllocatePoolWithTag;
    public delegate* unmanaged<nint, uint, void> ExFreePoolWithTag;
}

/// <summary><c>BCC_DRIVER_GLUE</c>: what the loader finds in a driver as the export <c>BccDriverGlue</c> (0x50 bytes; 0x30 in version 1).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BccDriverGlue
{
    /// <summary>The header's version: 2 adds fault and hang containment (<c>ContainFaults</c>, <c>TakeFault</c>, <c>Interrupt</c>, <c>InvokeDriverUnload</c>).</summary>
    public const uint CurrentVersion = 2;

    /// <summary>The size of a version 1 glue, which has no fault containment: still loaded.</summary>
    public const uint Version1Size = 0x30;

    /// <summary>What a trampoline returns when the routine faulted (0: it returned; 1: it called KeBugCheckEx).</summary>
    public const int Faulted = 2;

    public uint Size;
    public uint Version;
    public BccKernelRoutines* Kernel;
    public delegate* unmanaged<nint, nint, nint, int*, int> InvokeDriverEntry;
    public delegate* unmanaged<nint, int, nint, nint, uint, int> InvokeReasonRoutine;
    public delegate* unmanaged<nint, nint, uint, int> InvokeClassicRoutine;
    public nint BugCheckTarget;
    public delegate* unmanaged<int, nint, nint, byte*, int> ContainFaults;
    public delegate* unmanaged<BccFault*, void> TakeFault;
    public delegate* unmanaged<int> Interrupt;
    public delegate* unmanaged<nint, DriverObject*, int> InvokeDriverUnload;
}

/// <summary><c>BCC_FAULT</c>: a fault a trampoline contained (0x18 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BccFault
{
    public int Signal;
    public int Code;
    public nint Address;
    public nint Instruction;
}

/// <summary>The header's <c>DRIVER_OBJECT</c>, the fields the loader fills (0x150 bytes).</summary>
[StructLayout(LayoutKind.Explicit, Size = 0x150)]
internal struct DriverObject
{
    [FieldOffset(0x00)] public short Type;
    [FieldOffset(0x02)] public short Size;
    [FieldOffset(0x18)] public nint DriverStart;
    [FieldOffset(0x20)] public uint DriverSize;
    [FieldOffset(0x38)] public NativeUnicodeString DriverName;
    [FieldOffset(0x58)] public nint DriverInit;
    [FieldOffset(0x68)] public nint DriverUnload;
}

/// <summary><c>UNICODE_STRING</c> (0x10 bytes) in native memory: lengths in bytes, UTF-16 text (Dump's <c>KernelStructures.UnicodeString</c> holds its offsets in a dump).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NativeUnicodeString
{
    public ushort Length;
    public ushort MaximumLength;
    public nint Buffer;
}
