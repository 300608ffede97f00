using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents the crashing processor's registers as the dump header's <c>ContextRecord</c> (an x64 <c>CONTEXT</c>,
/// winnt.h) holds them: what the debugger's <c>r</c> shows.
/// </summary>
public sealed record ProcessorContext
{
    /// <summary>Gets RAX.</summary>
    public ulong Rax { get; init; }

    /// <summary>Gets RBX.</summary>
    public ulong Rbx { get; init; }

    /// <summary>Gets RCX: <c>KeBugCheckEx</c>'s first argument, the stop code.</summary>
    public ulong Rcx { get; init; }

    /// <summary>Gets RDX: <c>KeBugCheckEx</c>'s second argument, parameter 1.</summary>
    public ulong Rdx { get; init; }

    /// <summary>Gets RSI.</summary>
    public ulong Rsi { get; init; }

    /// <summary>Gets RDI.</summary>
    public ulong Rdi { get; init; }

    /// <summary>Gets RBP.</summary>
    public ulong Rbp { get; init; }

    /// <summary>Gets RSP, the stack pointer.</summary>
    public ulong Rsp { get; init; }

    /// <summary>Gets R8: <c>KeBugCheckEx</c>'s third argument, parameter 2.</summary>
    public ulong R8 { get; init; }

    /// <summary>Gets R9: <c>KeBugCheckEx</c>'s fourth argument, parameter 3.</summary>
    public ulong R9 { get; init; }

    /// <summary>Gets R10.</summary>
    public ulong R10 { get; init; }

    /// <summary>Gets R11.</summary>
    public ulong R11 { get; init; }

    /// <summary>Gets R12.</summary>
    public ulong R12 { get; init; }

    /// <summary>Gets R13.</summary>
    public ulong R13 { get; init; }

    /// <summary>Gets R14.</summary>
    public ulong R14 { get; init; }

    /// <summary>Gets R15.</summary>
    public ulong R15 { get; init; }

    /// <summary>Gets RIP, the instruction pointer.</summary>
    public ulong Rip { get; init; }

    /// <summary>Gets EFLAGS.</summary>
    /// <value>0x202 (interrupts enabled).</value>
    public uint EFlags { get; init; } = 0x202;

    /// <summary>Gets the code segment selector.</summary>
    /// <value>0x10, the kernel's.</value>
    public ushort SegCs { get; init; } = 0x10;

    /// <summary>Gets the stack segment selector.</summary>
    /// <value>0x18, the kernel's.</value>
    public ushort SegSs { get; init; } = 0x18;

    /// <summary>Gets the general registers with their names, in the order the debugger's <c>r</c> prints them.</summary>
    /// <returns>Name and value pairs.</returns>
    public IReadOnlyList<KeyValuePair<string, ulong>> GeneralRegisters() =>
    [
        new("rax", Rax), new("rbx", Rbx), new("rcx", Rcx), new("rdx", Rdx), new("rsi", Rsi), new("rdi", Rdi),
        new("rip", Rip), new("rsp", Rsp), new("rbp", Rbp), new("r8", R8), new("r9", R9), new("r10", R10),
        new("r11", R11), new("r12", R12), new("r13", R13), new("r14", R14), new("r15", R15),
    ];

    internal void Write(Span<byte> context)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(context[KernelStructures.Context.SegCs..], SegCs);
        BinaryPrimitives.WriteUInt16LittleEndian(context[KernelStructures.Context.SegSs..], SegSs);
        BinaryPrimitives.WriteUInt32LittleEndian(context[KernelStructures.Context.EFlags..], EFlags);
        ReadOnlySpan<(int Offset, ulong Value)> registers =
        [
            (KernelStructures.Context.Rax, Rax), (KernelStructures.Context.Rcx, Rcx), (KernelStructures.Context.Rdx, Rdx),
            (KernelStructures.Context.Rbx, Rbx), (KernelStructures.Context.Rsp, Rsp), (KernelStructures.Context.Rbp, Rbp),
            (KernelStructures.Context.Rsi, Rsi), (KernelStructures.Context.Rdi, Rdi), (KernelStructures.Context.R8, R8),
            (KernelStructures.Context.R9, R9), (KernelStructures.Context.R10, R10), (KernelStructures.Context.R11, R11),
            (KernelStructures.Context.R12, R12), (KernelStructures.Context.R13, R13), (KernelStructures.Context.R14, R14),
            (KernelStructures.Context.R15, R15), (KernelStructures.Context.Rip, Rip),
        ];
        foreach (var (offset, value) in registers)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(context[offset..], value);
        }
    }

    internal static ProcessorContext Read(ReadOnlySpan<byte> context) => new()
    {
        Rax = U64(context, KernelStructures.Context.Rax),
        Rcx = U64(context, KernelStructures.Context.Rcx),
        Rdx = U64(context, KernelStructures.Context.Rdx),
        Rbx = U64(context, KernelStructures.Context.Rbx),
        Rsp = U64(context, KernelStructures.Context.Rsp),
        Rbp = U64(context, KernelStructures.Context.Rbp),
        Rsi = U64(context, KernelStructures.Context.Rsi),
        Rdi = U64(context, KernelStructures.Context.Rdi),
        R8 = U64(context, KernelStructures.Context.R8),
        R9 = U64(context, KernelStructures.Context.R9),
        R10 = U64(context, KernelStructures.Context.R10),
        R11 = U64(context, KernelStructures.Context.R11),
        R12 = U64(context, KernelStructures.Context.R12),
        R13 = U64(context, KernelStructures.Context.R13),
        R14 = U64(context, KernelStructures.Context.R14),
        R15 = U64(context, KernelStructures.Context.R15),
        Rip = U64(context, KernelStructures.Context.Rip),
        EFlags = BinaryPrimitives.ReadUInt32LittleEndian(context[KernelStructures.Context.EFlags..]),
        SegCs = BinaryPrimitives.ReadUInt16LittleEndian(context[KernelStructures.Context.SegCs..]),
        SegSs = BinaryPrimitives.ReadUInt16LittleEndian(context[KernelStructures.Context.SegSs..]),
    };

    private static ulong U64(ReadOnlySpan<byte> bytes, int offset) => BinaryPrimitives.ReadUInt64LittleEndian(bytes[offset..]);
}
