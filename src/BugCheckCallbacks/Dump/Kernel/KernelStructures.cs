namespace BugCheckCallbacks.Dump;

/// <summary>
/// The x64 layouts of the kernel structures a dump reader navigates by, written by the simulation and read by the
/// walker (sources in docs/forensics.md: Volatility 3 <c>kdbg.json</c>, Ghidra <c>KdDebuggerData.java</c> and
/// <c>KldrDataTableEntry.java</c>, wdm.h for the callback records, winnt.h for <c>CONTEXT</c> and the PE headers).
/// </summary>
internal static class KernelStructures
{
    /// <summary><c>LIST_ENTRY</c>: Flink, Blink.</summary>
    public const int ListEntrySize = 0x10;

    /// <summary><c>KDDEBUGGER_DATA64</c>, the KDBG block.</summary>
    public static class Kdbg
    {
        public const int List = 0x00;
        public const int OwnerTag = 0x10;
        public const int Size = 0x14;
        public const int KernBase = 0x18;
        public const int PsLoadedModuleList = 0x48;
        public const int PsActiveProcessHead = 0x50;
        public const int KeBugCheckCallbackListHead = 0x80;
        public const int KiBugcheckData = 0x88;
        public const int MmPfnDatabase = 0xC0;

        /// <summary>The block's size on x64, as its Size field says.</summary>
        public const int BlockSize = 0x340;

        /// <summary>"KDBG" read as a little-endian u32.</summary>
        public const uint Tag = 0x4742444B;
    }

    /// <summary>x64 <c>KLDR_DATA_TABLE_ENTRY</c>, one per loaded module on PsLoadedModuleList.</summary>
    public static class KldrEntry
    {
        public const int InLoadOrderLinks = 0x00;
        public const int DllBase = 0x30;
        public const int EntryPoint = 0x38;
        public const int SizeOfImage = 0x40;
        public const int FullDllName = 0x48;
        public const int BaseDllName = 0x58;
        public const int Flags = 0x68;
        public const int LoadCount = 0x6C;

        /// <summary>The bytes the simulation gives each entry (the fields above end at 0x70).</summary>
        public const int Size = 0xA0;
    }

    /// <summary><c>UNICODE_STRING</c>: u16 Length, u16 MaximumLength, 4 bytes of padding, u64 Buffer.</summary>
    public static class UnicodeString
    {
        public const int Length = 0x0;
        public const int MaximumLength = 0x2;
        public const int Buffer = 0x8;
        public const int Size = 0x10;
    }

    /// <summary><c>KBUGCHECK_REASON_CALLBACK_RECORD</c> (wdm.h, DESIGN.md §2).</summary>
    public static class ReasonRecord
    {
        public const int Entry = 0x00;
        public const int CallbackRoutine = 0x10;
        public const int Component = 0x18;
        public const int Checksum = 0x20;
        public const int Reason = 0x28;
        public const int State = 0x2C;
        public const int Size = 0x30;
    }

    /// <summary><c>KBUGCHECK_CALLBACK_RECORD</c>, the classic record (wdm.h, DESIGN.md §2).</summary>
    public static class ClassicRecord
    {
        public const int Entry = 0x00;
        public const int CallbackRoutine = 0x10;
        public const int Buffer = 0x18;
        public const int Length = 0x20;
        public const int Component = 0x28;
        public const int Checksum = 0x30;
        public const int State = 0x38;
        public const int Size = 0x40;
    }

    /// <summary>The x64 <c>CONTEXT</c> registers (winnt.h), from the record's start.</summary>
    public static class Context
    {
        public const int Rax = 0x78;
        public const int Rcx = 0x80;
        public const int Rdx = 0x88;
        public const int Rbx = 0x90;
        public const int Rsp = 0x98;
        public const int Rbp = 0xA0;
        public const int Rsi = 0xA8;
        public const int Rdi = 0xB0;
        public const int R8 = 0xB8;
        public const int R9 = 0xC0;
        public const int R10 = 0xC8;
        public const int R11 = 0xD0;
        public const int R12 = 0xD8;
        public const int R13 = 0xE0;
        public const int R14 = 0xE8;
        public const int R15 = 0xF0;
        public const int Rip = 0xF8;
        public const int EFlags = 0x44;
        public const int SegCs = 0x38;
        public const int SegSs = 0x42;
    }

    /// <summary><c>EXCEPTION_RECORD64</c> (winnt.h), 0x98 bytes.</summary>
    public static class ExceptionRecord
    {
        public const int ExceptionCode = 0x00;
        public const int ExceptionFlags = 0x04;
        public const int ExceptionRecordPointer = 0x08;
        public const int ExceptionAddress = 0x10;
        public const int NumberParameters = 0x18;
        public const int ExceptionInformation = 0x20;
        public const int MaximumParameters = 15;
        public const int Size = 0x98;
    }
}
