using System.Buffers.Binary;

namespace BugCheckCallbacks.Dump;

/// <summary>Represents the exception the dump header records (<c>EXCEPTION_RECORD64</c>, winnt.h).</summary>
public sealed record ExceptionRecord64
{
    /// <summary>Gets the exception code (<c>ExceptionCode</c>), an NTSTATUS such as 0xC0000005 (access violation).</summary>
    public uint Code { get; init; }

    /// <summary>Gets the exception flags (<c>ExceptionFlags</c>).</summary>
    public uint Flags { get; init; }

    /// <summary>Gets the address of the instruction that raised it (<c>ExceptionAddress</c>).</summary>
    public ulong Address { get; init; }

    /// <summary>Gets the exception's parameters (<c>ExceptionInformation</c>, at most 15).</summary>
    public IReadOnlyList<ulong> Parameters { get; init; } = [];

    internal void Write(Span<byte> record)
    {
        record = record[..KernelStructures.ExceptionRecord.Size];
        record.Clear();
        var count = Math.Min(Parameters.Count, KernelStructures.ExceptionRecord.MaximumParameters);
        BinaryPrimitives.WriteUInt32LittleEndian(record[KernelStructures.ExceptionRecord.ExceptionCode..], Code);
        BinaryPrimitives.WriteUInt32LittleEndian(record[KernelStructures.ExceptionRecord.ExceptionFlags..], Flags);
        BinaryPrimitives.WriteUInt64LittleEndian(record[KernelStructures.ExceptionRecord.ExceptionAddress..], Address);
        BinaryPrimitives.WriteUInt32LittleEndian(record[KernelStructures.ExceptionRecord.NumberParameters..], (uint)count);
        for (var i = 0; i < count; i++)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(record[(KernelStructures.ExceptionRecord.ExceptionInformation + (i * 8))..], Parameters[i]);
        }
    }

    internal static ExceptionRecord64 Read(ReadOnlySpan<byte> record)
    {
        // A count past 15 (or "PAGE" where nothing was written) is read as the 15 the record has room for.
        var count = (int)Math.Min(BinaryPrimitives.ReadUInt32LittleEndian(record[KernelStructures.ExceptionRecord.NumberParameters..]), KernelStructures.ExceptionRecord.MaximumParameters);
        var parameters = new ulong[count];
        for (var i = 0; i < count; i++)
        {
            parameters[i] = BinaryPrimitives.ReadUInt64LittleEndian(record[(KernelStructures.ExceptionRecord.ExceptionInformation + (i * 8))..]);
        }

        return new ExceptionRecord64
        {
            Code = BinaryPrimitives.ReadUInt32LittleEndian(record[KernelStructures.ExceptionRecord.ExceptionCode..]),
            Flags = BinaryPrimitives.ReadUInt32LittleEndian(record[KernelStructures.ExceptionRecord.ExceptionFlags..]),
            Address = BinaryPrimitives.ReadUInt64LittleEndian(record[KernelStructures.ExceptionRecord.ExceptionAddress..]),
            Parameters = parameters,
        };
    }
}
