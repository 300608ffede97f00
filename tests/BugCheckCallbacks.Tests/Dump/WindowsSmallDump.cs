using System.Buffers.Binary;
using System.Text;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// Builds small memory dumps (DumpType 4) shaped like the two Windows wrote that KERNEL-DUMP.md §8 describes (build 19041
/// x64, build 22000 ARM64), from those facts alone: it shares no code or constant with the library's writer or reader, so
/// both can be tested against it. The quirks are Windows': every unused header field reads "PAGE" (the physical-memory
/// descriptor too), RequiredDumpSpace is larger than the file, ContextOffset and ExceptionOffset point at the header's own
/// records, every triage offset is from the start of the file, the parts follow one another in Windows' order without
/// alignment, driver entries are 0x90 bytes apart with full-path names, SizeOfDump = ValidOffset + 4 with "TRGD" at
/// ValidOffset, and the DumpBlob region starts exactly at SizeOfDump (not 8-aligned) and runs to the end of the file, its
/// build field 0xF000 above the build.
/// </summary>
internal sealed class WindowsSmallDump
{
    public const ulong KernelBase = 0xFFFFF8047B800000;
    public const ulong KdbgAddress = 0xFFFFF8047C600B20;
    public const ulong ExceptionAddress = KernelBase + 0x3F5A80; // KeBugCheckEx's own instruction
    public const ulong TopOfStack = 0xFFFF850429890EE8;
    public const int DriverStride = 0x90;
    private const int Triage = 0x2000;
    private static readonly byte[] s_page = "PAGE"u8.ToArray();

    private WindowsSmallDump(bool arm64, int drivers, int blocks, int blobs)
    {
        Arm64 = arm64;
        Build = arm64 ? 22000U : 19041U;
        for (var i = 0; i < drivers; i++)
        {
            var name = i switch
            {
                0 => @"\SystemRoot\system32\ntoskrnl.exe",
                1 => @"\SystemRoot\system32\hal.dll",
                2 => @"\SystemRoot\system32\kd.dll",
                3 => @"\SystemRoot\System32\drivers\amdppm.sys",
                _ => $@"\SystemRoot\System32\drivers\driver{i:D6}.sys",
            };
            var size = i == 0 ? 0x103E000U : 0x9000U + (uint)(i % 7 * 0x1000);
            Drivers.Add((name, i == 0 ? KernelBase : 0xFFFFF80480000000 + ((ulong)i * 0x100000), size));
        }

        FaultAddress = Drivers.Count > 3 ? Drivers[3].Base + 0x334C : KernelBase + 0x1000;
        var random = new Random(arm64 ? 22000 : 19041);
        for (var i = 0; i < blocks; i++)
        {
            // 16 bytes to 44 KiB, as in the real file; addresses spread over the kernel's space, some adjacent.
            var size = i % 97 == 0 ? 0xAF00 : 16 + (random.Next(0, 0x95) * 4);
            var data = new byte[size];
            random.NextBytes(data);
            Blocks.Add((0xFFFF9B0002000000 + ((ulong)i * 0x10000) + ((ulong)i % 13 * 8), data));
        }

        Stack = new byte[0x2118];
        random.NextBytes(Stack);
        BinaryPrimitives.WriteUInt64LittleEndian(Stack, ExceptionAddress + 0x61); // a return address into the kernel
        BinaryPrimitives.WriteUInt64LittleEndian(Stack.AsSpan(8), BugCheckCode);
        Kdbg = new byte[0x380];
        random.NextBytes(Kdbg);
        Encoding.ASCII.GetBytes("KDBG").CopyTo(Kdbg, 0x10);
        BinaryPrimitives.WriteUInt32LittleEndian(Kdbg.AsSpan(0x14), 0x380);
        BinaryPrimitives.WriteUInt64LittleEndian(Kdbg.AsSpan(0x18), KernelBase);
        for (var i = 0; i < blobs; i++)
        {
            var data = new byte[i == 0 ? 0x1000 : i % 5 == 0 ? 0 : 0x44 + (i * 0x31)];
            random.NextBytes(data);
            Blobs.Add((new Guid(0x54c84888 + i, 0x01d1, 0x4c1e, 0xbe, 0xd6, 0x28, 0x2c, 0x98, 0x24, 0x13, 0x03), data));
        }

        File = Write();
    }

    public bool Arm64 { get; }

    public uint Build { get; }

    public uint BugCheckCode => Arm64 ? 0x1C8U : 0x1000007EU;

    /// <summary>Parameter 2 of the x64 crash, the faulting address: inside amdppm.sys, the fourth driver.</summary>
    public ulong FaultAddress { get; }

    public List<(string Name, ulong Base, uint Size)> Drivers { get; } = [];

    public List<(ulong Address, byte[] Data)> Blocks { get; } = [];

    public List<(Guid Tag, byte[] Data)> Blobs { get; } = [];

    public byte[] Stack { get; }

    public byte[] Kdbg { get; }

    /// <summary>The context's instruction pointer: x64, the faulting rip (Parameter 2); ARM64, the bug check's pc.</summary>
    public ulong ContextPc => Arm64 ? ExceptionAddress : FaultAddress;

    /// <summary>The context's stack pointer: x64, the faulting frame's, above TopOfStack; ARM64, TopOfStack.</summary>
    public ulong ContextSp => Arm64 ? TopOfStack : TopOfStack + 0x1238;

    public int SizeOfDump { get; private set; }

    public long RequiredDumpSpace { get; private set; }

    public byte[] File { get; }

    /// <summary>The x64 dump of build 19041: 151 drivers, 1,831 data blocks, 20 blobs, as the real file has.</summary>
    public static WindowsSmallDump X64(int drivers = 151, int blocks = 1831, int blobs = 20) => new(false, drivers, blocks, blobs);

    /// <summary>The ARM64 dump of build 22000: 245 drivers, 679 data blocks, 42 blobs, as the real file has.</summary>
    public static WindowsSmallDump Arm(int drivers = 245, int blocks = 679, int blobs = 42) => new(true, drivers, blocks, blobs);

    private byte[] Write()
    {
        var body = new MemoryStream();
        var header = new byte[0x2000];
        for (var i = 0; i < header.Length; i += 4)
        {
            s_page.CopyTo(header, i);
        }

        Encoding.ASCII.GetBytes("DU64").CopyTo(header, 4);
        U32(header, 0x08, 0xF);
        U32(header, 0x0C, Build);
        U64(header, 0x10, 0x1AD000);
        U64(header, 0x18, 0xFFFFF8047C6FC500);
        U64(header, 0x20, 0xFFFFF8047C62A390);
        U64(header, 0x28, 0xFFFFF8047C61E200);
        U32(header, 0x30, Arm64 ? 0xAA64U : 0x8664U);
        U32(header, 0x34, 16);
        U32(header, 0x38, BugCheckCode);
        ulong[] parameters = Arm64 ? [0x1B58, KernelBase + 0xC20860, 0, 0] : [0xFFFFFFFFC0000005, FaultAddress, 0xFFFF850429891EE8, 0xFFFF850429891720];
        for (var i = 0; i < 4; i++)
        {
            U64(header, 0x40 + (i * 8), parameters[i]);
        }

        U64(header, 0x80, KdbgAddress);
        WriteContext(header.AsSpan(0x348));

        // EXCEPTION_RECORD64: a breakpoint at the bug check's own instruction, no parameters; the rest stays "PAGE".
        U32(header, 0xF00, 0x80000003);
        U32(header, 0xF04, 1);
        U64(header, 0xF08, 0);
        U64(header, 0xF10, ExceptionAddress);
        U32(header, 0xF18, 0);
        U32(header, 0xF98, 4);
        U64(header, 0xFA8, 0x01D707F23DBB3399);
        U64(header, 0x1030, 0x23BC1E9);
        U32(header, 0x1038, 0xCFF);
        U32(header, 0x1040, 1);
        U32(header, 0x1044, 0x110);
        U32(header, 0x1048, 0);

        // The triage part, in Windows' order, each part right after the one before.
        var at = Triage + 0x80;
        var mm = Take(ref at, 0x50);
        var unloaded = Take(ref at, 0xE8);
        var prcb = Take(ref at, 0xAF00);
        var process = Take(ref at, 0xA40);
        var thread = Take(ref at, 0x898);
        var stack = Take(ref at, Stack.Length);
        var kdbg = Take(ref at, Kdbg.Length);
        var list = Take(ref at, Drivers.Count * DriverStride);
        var pool = at;
        var names = new int[Drivers.Count];
        for (var i = 0; i < Drivers.Count; i++)
        {
            names[i] = Take(ref at, 4 + (Drivers[i].Name.Length * 2) + 2);
        }

        var poolSize = at - pool;
        var table = Take(ref at, Blocks.Count * 16);
        var blockOffsets = Blocks.Select(b => Take(ref at, b.Data.Length)).ToArray();
        var valid = Take(ref at, 4);
        SizeOfDump = at;

        var triage = new byte[SizeOfDump];
        int[] fields = [0, SizeOfDump, valid, 0x348, 0xF00, mm, unloaded, prcb, process, thread, stack, Stack.Length, list, Drivers.Count, pool, poolSize, 0, -1];
        for (var i = 0; i < fields.Length; i++)
        {
            U32(triage, Triage + (i * 4), (uint)fields[i]);
        }

        U64(triage, Triage + 0x48, TopOfStack);
        U32(triage, Triage + 0x70, (uint)kdbg);
        U32(triage, Triage + 0x74, (uint)Kdbg.Length);
        U32(triage, Triage + 0x78, (uint)table);
        U32(triage, Triage + 0x7C, (uint)Blocks.Count);
        Stack.CopyTo(triage, stack);
        Kdbg.CopyTo(triage, kdbg);
        for (var i = 0; i < Drivers.Count; i++)
        {
            var entry = list + (i * DriverStride);
            U32(triage, entry, (uint)names[i]);
            U32(triage, entry + 4, 0);
            var ldr = entry + 8; // 0x88 bytes of KLDR_DATA_TABLE_ENTRY
            U64(triage, ldr + 0x30, Drivers[i].Base);
            U64(triage, ldr + 0x38, Drivers[i].Base + 0x1000);
            U32(triage, ldr + 0x40, Drivers[i].Size);
            var name = Drivers[i].Name;
            U32(triage, names[i], (uint)name.Length);
            Encoding.Unicode.GetBytes(name).CopyTo(triage, names[i] + 4);
        }

        for (var i = 0; i < Blocks.Count; i++)
        {
            U64(triage, table + (i * 16), Blocks[i].Address);
            U32(triage, table + (i * 16) + 8, (uint)blockOffsets[i]);
            U32(triage, table + (i * 16) + 12, (uint)Blocks[i].Data.Length);
            Blocks[i].Data.CopyTo(triage, blockOffsets[i]);
        }

        Encoding.ASCII.GetBytes("TRGD").CopyTo(triage, valid);
        header.CopyTo(triage, 0);
        body.Write(triage);

        // The DumpBlob region, from SizeOfDump to the end of the file.
        var region = new byte[0x10];
        Encoding.ASCII.GetBytes("DumpBlob").CopyTo(region, 0);
        U32(region, 8, 0x10);
        U32(region, 12, 0xF0000000 | Build);
        body.Write(region);
        foreach (var (tag, data) in Blobs)
        {
            var blob = new byte[0x20];
            U32(blob, 0, 0x20);
            tag.TryWriteBytes(blob.AsSpan(4));
            U32(blob, 20, (uint)data.Length);
            body.Write(blob);
            body.Write(data);
        }

        var file = body.ToArray();
        RequiredDumpSpace = file.Length + 0x36E61; // the space reserved, more than was written
        U64(file, 0xFA0, (ulong)RequiredDumpSpace);
        return file;
    }

    private void WriteContext(Span<byte> context)
    {
        if (Arm64)
        {
            // ARM64 CONTEXT: ContextFlags, Cpsr, X0–X28, Fp, Lr, Sp, Pc at +0x108.
            BinaryPrimitives.WriteUInt32LittleEndian(context, 0x400007);
            BinaryPrimitives.WriteUInt32LittleEndian(context[4..], 0x80000144);
            for (var i = 0; i < 29; i++)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(context[(8 + (i * 8))..], 0x1000 + (ulong)i);
            }

            BinaryPrimitives.WriteUInt64LittleEndian(context[0xF0..], TopOfStack);
            BinaryPrimitives.WriteUInt64LittleEndian(context[0xF8..], 0);
            BinaryPrimitives.WriteUInt64LittleEndian(context[0x100..], TopOfStack);
            BinaryPrimitives.WriteUInt64LittleEndian(context[0x108..], ExceptionAddress);
            context[0x110..0x390].Clear();
            return;
        }

        // x64 CONTEXT: P1Home..P6Home, ContextFlags 0x10001F, MxCsr 0x1F80, segments, EFlags, then the registers from
        // +0x78 (Rax, Rcx, Rdx, Rbx, Rsp, Rbp, Rsi, Rdi, R8–R15) and Rip at +0xF8.
        context[..0x4D0].Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(context[0x30..], 0x10001F);
        BinaryPrimitives.WriteUInt32LittleEndian(context[0x34..], 0x1F80);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x38..], 0x10);
        BinaryPrimitives.WriteUInt16LittleEndian(context[0x42..], 0x18);
        BinaryPrimitives.WriteUInt32LittleEndian(context[0x44..], 0x50246);
        for (var i = 0; i < 16; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(context[(0x78 + (i * 8))..], 0x100 + (ulong)i);
        }

        BinaryPrimitives.WriteUInt64LittleEndian(context[0x98..], ContextSp);
        BinaryPrimitives.WriteUInt64LittleEndian(context[0xF8..], ContextPc);
        BinaryPrimitives.WriteUInt32LittleEndian(context[(0x100 + 0x18)..], 0x1F80);
    }

    private static int Take(ref int at, int size)
    {
        var offset = at;
        at += size;
        return offset;
    }

    private static void U32(byte[] bytes, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(offset), value);

    private static void U64(byte[] bytes, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(bytes.AsSpan(offset), value);
}
