using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents the registers of an ARM64 dump's <c>ContextRecord</c> (the ARM64 <c>CONTEXT</c>, winnt.h
/// <c>ARM64_NT_CONTEXT</c>): u32 ContextFlags, u32 Cpsr, X0–X28, Fp, Lr, Sp, Pc (at +0x108), then the NEON and debug
/// registers, 0x390 bytes in all. Verified on a small memory dump Windows 11 (build 22000) wrote: Pc is the bug check's
/// own instruction and Sp the triage data's TopOfStack (KERNEL-DUMP.md §8).
/// </summary>
public sealed record Arm64Context
{
    /// <summary>The header's <c>MachineImageType</c> of an ARM64 dump (<c>IMAGE_FILE_MACHINE_ARM64</c>).</summary>
    public const uint MachineType = 0xAA64;

    /// <summary>The size of the ARM64 <c>CONTEXT</c> in bytes.</summary>
    public const int Size = 0x390;

    private const int XOffset = 0x08;
    private const int FpOffset = 0xF0;
    private const int LrOffset = 0xF8;
    private const int SpOffset = 0x100;
    private const int PcOffset = 0x108;

    /// <summary>Gets <c>ContextFlags</c>: which register groups the record holds.</summary>
    public uint ContextFlags { get; init; }

    /// <summary>Gets <c>Cpsr</c>, the processor state.</summary>
    public uint Cpsr { get; init; }

    /// <summary>Gets X0 to X28, in order (29 values).</summary>
    public IReadOnlyList<ulong> X { get; init; } = new ulong[29];

    /// <summary>Gets Fp (X29), the frame pointer.</summary>
    public ulong Fp { get; init; }

    /// <summary>Gets Lr (X30), the link register.</summary>
    public ulong Lr { get; init; }

    /// <summary>Gets Sp, the stack pointer.</summary>
    public ulong Sp { get; init; }

    /// <summary>Gets Pc, the program counter.</summary>
    public ulong Pc { get; init; }

    /// <summary>Gets the general registers with their names, as the debugger's <c>r</c> prints them: pc, sp, fp, lr, then x0–x28.</summary>
    /// <returns>Name and value pairs.</returns>
    public IReadOnlyList<KeyValuePair<string, ulong>> GeneralRegisters()
    {
        var registers = new List<KeyValuePair<string, ulong>>(4 + X.Count) { new("pc", Pc), new("sp", Sp), new("fp", Fp), new("lr", Lr) };
        for (var i = 0; i < X.Count; i++)
        {
            registers.Add(new($"x{i}", X[i]));
        }

        return registers;
    }

    internal static Arm64Context Read(ReadOnlySpan<byte> context)
    {
        var x = new ulong[29];
        for (var i = 0; i < x.Length; i++)
        {
            x[i] = U64(context, XOffset + (i * 8));
        }

        return new Arm64Context
        {
            ContextFlags = BinaryPrimitives.ReadUInt32LittleEndian(context),
            Cpsr = BinaryPrimitives.ReadUInt32LittleEndian(context[4..]),
            X = x,
            Fp = U64(context, FpOffset),
            Lr = U64(context, LrOffset),
            Sp = U64(context, SpOffset),
            Pc = U64(context, PcOffset),
        };
    }

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);
}
