using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Interop;

// Blittable mirrors of the wdm.h structures with their x64 layout. Pointers are nint, ULONG_PTR is nuint, so
// the layout is the native one on a 64-bit process; the tests assert every size and offset on x64.

/// <summary>The wdm.h <c>LIST_ENTRY</c> (x64: 0x10 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct LIST_ENTRY
{
    /// <summary><c>Flink</c> @0x0.</summary>
    public nint Flink;

    /// <summary><c>Blink</c> @0x8.</summary>
    public nint Blink;
}

/// <summary>The wdm.h <c>KBUGCHECK_REASON_CALLBACK_RECORD</c> (x64: 0x30 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_REASON_CALLBACK_RECORD
{
    /// <summary><c>Entry</c> @0x0.</summary>
    public LIST_ENTRY Entry;

    /// <summary><c>CallbackRoutine</c> @0x10.</summary>
    public nint CallbackRoutine;

    /// <summary><c>Component</c> @0x18.</summary>
    public nint Component;

    /// <summary><c>Checksum</c> @0x20.</summary>
    public nuint Checksum;

    /// <summary><c>Reason</c> @0x28.</summary>
    public KBUGCHECK_CALLBACK_REASON Reason;

    /// <summary><c>State</c> @0x2C (a UCHAR holding a <see cref="KBUGCHECK_BUFFER_DUMP_STATE"/>).</summary>
    public byte State;
}

/// <summary>The wdm.h <c>KBUGCHECK_CALLBACK_RECORD</c> of the classic callbacks (x64: 0x40 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_CALLBACK_RECORD
{
    /// <summary><c>Entry</c> @0x0.</summary>
    public LIST_ENTRY Entry;

    /// <summary><c>CallbackRoutine</c> @0x10.</summary>
    public nint CallbackRoutine;

    /// <summary><c>Buffer</c> @0x18.</summary>
    public nint Buffer;

    /// <summary><c>Length</c> @0x20.</summary>
    public uint Length;

    /// <summary><c>Component</c> @0x28.</summary>
    public nint Component;

    /// <summary><c>Checksum</c> @0x30.</summary>
    public nuint Checksum;

    /// <summary><c>State</c> @0x38.</summary>
    public byte State;
}

/// <summary>The wdm.h <c>KBUGCHECK_SECONDARY_DUMP_DATA</c> (x64: 0x30 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_SECONDARY_DUMP_DATA
{
    /// <summary><c>InBuffer</c> @0x0.</summary>
    public nint InBuffer;

    /// <summary><c>InBufferLength</c> @0x8.</summary>
    public uint InBufferLength;

    /// <summary><c>MaximumAllowed</c> @0xC.</summary>
    public uint MaximumAllowed;

    /// <summary><c>Guid</c> @0x10.</summary>
    public Guid Guid;

    /// <summary><c>OutBuffer</c> @0x20.</summary>
    public nint OutBuffer;

    /// <summary><c>OutBufferLength</c> @0x28.</summary>
    public uint OutBufferLength;
}

/// <summary>The wdm.h <c>KBUGCHECK_SECONDARY_DUMP_DATA_EX</c> (x64: 0x68 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_SECONDARY_DUMP_DATA_EX
{
    /// <summary><c>InBuffer</c> @0x0.</summary>
    public nint InBuffer;

    /// <summary><c>InBufferLength</c> @0x8.</summary>
    public uint InBufferLength;

    /// <summary><c>MaximumAllowed</c> @0xC.</summary>
    public uint MaximumAllowed;

    /// <summary><c>Guid</c> @0x10.</summary>
    public Guid Guid;

    /// <summary><c>OutBuffer</c> @0x20.</summary>
    public nint OutBuffer;

    /// <summary><c>OutBufferLength</c> @0x28.</summary>
    public uint OutBufferLength;

    /// <summary><c>Context</c> @0x30.</summary>
    public nint Context;

    /// <summary><c>Flags</c> @0x38.</summary>
    public uint Flags;

    /// <summary><c>DumpType</c> @0x3C.</summary>
    public uint DumpType;

    /// <summary><c>BugCheckCode</c> @0x40.</summary>
    public uint BugCheckCode;

    /// <summary><c>BugCheckParameter1</c> @0x48.</summary>
    public nuint BugCheckParameter1;

    /// <summary><c>BugCheckParameter2</c> @0x50.</summary>
    public nuint BugCheckParameter2;

    /// <summary><c>BugCheckParameter3</c> @0x58.</summary>
    public nuint BugCheckParameter3;

    /// <summary><c>BugCheckParameter4</c> @0x60.</summary>
    public nuint BugCheckParameter4;
}

/// <summary>The wdm.h <c>KBUGCHECK_DUMP_IO</c> (x64: 0x18 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_DUMP_IO
{
    /// <summary><c>Offset</c> @0x0 (ULONG64; -1 for sequential).</summary>
    public ulong Offset;

    /// <summary><c>Buffer</c> @0x8.</summary>
    public nint Buffer;

    /// <summary><c>BufferLength</c> @0x10.</summary>
    public uint BufferLength;

    /// <summary><c>Type</c> @0x14.</summary>
    public KBUGCHECK_DUMP_IO_TYPE Type;
}

/// <summary>The wdm.h <c>KBUGCHECK_ADD_PAGES</c> (x64: 0x20 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_ADD_PAGES
{
    /// <summary><c>Context</c> @0x0.</summary>
    public nint Context;

    /// <summary><c>Flags</c> @0x8.</summary>
    public uint Flags;

    /// <summary><c>BugCheckCode</c> @0xC.</summary>
    public uint BugCheckCode;

    /// <summary><c>Address</c> @0x10.</summary>
    public nuint Address;

    /// <summary><c>Count</c> @0x18.</summary>
    public nuint Count;
}

/// <summary>The wdm.h <c>KBUGCHECK_REMOVE_PAGES</c> (x64: 0x20 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_REMOVE_PAGES
{
    /// <summary><c>Context</c> @0x0.</summary>
    public nint Context;

    /// <summary><c>Flags</c> @0x8.</summary>
    public uint Flags;

    /// <summary><c>BugCheckCode</c> @0xC.</summary>
    public uint BugCheckCode;

    /// <summary><c>Address</c> @0x10.</summary>
    public nuint Address;

    /// <summary><c>Count</c> @0x18.</summary>
    public nuint Count;
}

/// <summary>The wdm.h <c>KBUGCHECK_TRIAGE_DUMP_DATA</c> (x64: 0x38 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KBUGCHECK_TRIAGE_DUMP_DATA
{
    /// <summary><c>DataArray</c> @0x0 (a <c>PKTRIAGE_DUMP_DATA_ARRAY</c>).</summary>
    public nint DataArray;

    /// <summary><c>Flags</c> @0x8.</summary>
    public uint Flags;

    /// <summary><c>MaxVirtMemSize</c> @0xC.</summary>
    public uint MaxVirtMemSize;

    /// <summary><c>BugCheckCode</c> @0x10.</summary>
    public uint BugCheckCode;

    /// <summary><c>BugCheckParameter1</c> @0x18.</summary>
    public nuint BugCheckParameter1;

    /// <summary><c>BugCheckParameter2</c> @0x20.</summary>
    public nuint BugCheckParameter2;

    /// <summary><c>BugCheckParameter3</c> @0x28.</summary>
    public nuint BugCheckParameter3;

    /// <summary><c>BugCheckParameter4</c> @0x30.</summary>
    public nuint BugCheckParameter4;
}

/// <summary>The wdm.h <c>KADDRESS_RANGE</c> (x64: 0x10 bytes).</summary>
[StructLayout(LayoutKind.Sequential)]
public struct KADDRESS_RANGE
{
    /// <summary><c>Address</c> @0x0.</summary>
    public nint Address;

    /// <summary><c>Size</c> @0x8 (SIZE_T).</summary>
    public nuint Size;
}

/// <summary>
/// The wdm.h <c>KTRIAGE_DUMP_DATA_ARRAY</c> with its one declared block (<c>Blocks[ANYSIZE_ARRAY]</c>; x64: 0x40 bytes,
/// the blocks start at 0x30 and a larger allocation extends them).
/// </summary>
[StructLayout(LayoutKind.Sequential)]
public struct KTRIAGE_DUMP_DATA_ARRAY
{
    /// <summary><c>List</c> @0x0.</summary>
    public LIST_ENTRY List;

    /// <summary><c>NumBlocksUsed</c> @0x10.</summary>
    public uint NumBlocksUsed;

    /// <summary><c>NumBlocksTotal</c> @0x14.</summary>
    public uint NumBlocksTotal;

    /// <summary><c>DataSize</c> @0x18.</summary>
    public uint DataSize;

    /// <summary><c>MaxDataSize</c> @0x1C.</summary>
    public uint MaxDataSize;

    /// <summary><c>ComponentNameBufferLength</c> @0x20.</summary>
    public uint ComponentNameBufferLength;

    /// <summary><c>ComponentName</c> @0x28.</summary>
    public nint ComponentName;

    /// <summary><c>Blocks[0]</c> @0x30.</summary>
    public KADDRESS_RANGE Blocks;
}
