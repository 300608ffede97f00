using System.Buffers.Binary;

namespace BugCheckCallbacks.Fuzz;

/// <summary>
/// Mutates a seed the ways files go bad: flipped bits, bytes and length fields set to boundary values (most often in the
/// headers, where the structure is), truncation, extension, and chunks moved within a file or spliced from another seed.
/// </summary>
internal sealed class Mutator(Random random, IReadOnlyList<(string Name, byte[] Bytes)> seeds)
{
    private const int HeaderArea = 0x3000;

    public byte[] Next(out string seed)
    {
        var (name, bytes) = seeds[random.Next(seeds.Count)];
        seed = name;
        var input = (byte[])bytes.Clone();
        var mutations = 1 + random.Next(4);
        for (var i = 0; i < mutations && input.Length > 0; i++)
        {
            input = Mutate(input);
        }

        return input;
    }

    private byte[] Mutate(byte[] input)
    {
        switch (random.Next(9))
        {
            case 7 when input.Length >= 16:
            {
                // Structure, not bytes: an aligned u64 anywhere (a link, a routine, a checksum, a table entry) set to another
                // aligned u64 of the file, so that links point at other entries, lists loop or skip, and tables alias.
                var to = random.Next(input.Length / 8) * 8;
                var from = random.Next(input.Length / 8) * 8;
                BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(to), BinaryPrimitives.ReadUInt64LittleEndian(input.AsSpan(from)) + (ulong)(random.Next(3) - 1) * 8);
                return input;
            }

            case 0:
                input[Offset(input.Length)] ^= (byte)(1 << random.Next(8));
                return input;
            case 1:
                input[Offset(input.Length)] = (byte)random.Next(256);
                return input;
            case 2 when input.Length >= 4:
                BinaryPrimitives.WriteUInt32LittleEndian(input.AsSpan(AlignedOffset(input.Length, 4)), (uint)Interesting(input.Length));
                return input;
            case 3 when input.Length >= 8:
                BinaryPrimitives.WriteUInt64LittleEndian(input.AsSpan(AlignedOffset(input.Length, 8)), Interesting(input.Length));
                return input;
            case 4:
                return input[..random.Next(input.Length)];
            case 5:
            {
                var extended = new byte[input.Length + 1 + random.Next(0x2000)];
                input.CopyTo(extended, 0);
                random.NextBytes(extended.AsSpan(input.Length));
                return extended;
            }

            case 6:
            {
                var from = random.Next(input.Length);
                var to = random.Next(input.Length);
                var length = Math.Min(1 + random.Next(64), Math.Min(input.Length - from, input.Length - to));
                input.AsSpan(from, length).CopyTo(input.AsSpan(to));
                return input;
            }

            default:
            {
                var other = seeds[random.Next(seeds.Count)].Bytes;
                var at = random.Next(Math.Min(input.Length, other.Length));
                var length = Math.Min(1 + random.Next(0x400), Math.Min(input.Length, other.Length) - at);
                other.AsSpan(at, length).CopyTo(input.AsSpan(at));
                return input;
            }
        }
    }

    private int Offset(int length) => random.Next(2) == 0 && length > 0 ? random.Next(Math.Min(length, HeaderArea)) : random.Next(length);

    private int AlignedOffset(int length, int size) => Math.Min(Offset(length) & ~(size - 1), length - size);

    private ulong Interesting(int length) => random.Next(12) switch
    {
        0 => 0,
        1 => 1,
        2 => ulong.MaxValue,
        3 => (ulong)length,
        4 => (ulong)length + 1,
        5 => (ulong)length - 1,
        6 => 0x2000,
        7 => 0x80000000,
        8 => 0x100000000,
        9 => (ulong)random.Next(64),
        10 => (ulong)((length + random.Next(-0x3000, 0x3000)) & ~0xFFF),
        _ => (ulong)random.NextInt64(),
    };
}
