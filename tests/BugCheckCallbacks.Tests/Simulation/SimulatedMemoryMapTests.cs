using System.Buffers.Binary;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class SimulatedMemoryMapTests
{
    private static readonly SimulatedMemoryMap s_map = new(
    [
        new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x10000, 0x2000), new byte[] { 1, 2, 3, 4 }),
        new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x12000, 0x1000)),
        new MemoryRegion(AddressSpace.Physical, new AddressRange(0, 0x1000)),
    ]);

    [Theory]
    [InlineData(AddressSpace.Virtual, 0x10000ul, 0x2000ul, true)]
    [InlineData(AddressSpace.Virtual, 0x10000ul, 0x2001ul, false)]
    [InlineData(AddressSpace.Virtual, 0xFFFFul, 0x10ul, false)]
    [InlineData(AddressSpace.Virtual, 0x10000ul, 0ul, false)]
    [InlineData(AddressSpace.Physical, 0x800ul, 0x800ul, true)]
    [InlineData(AddressSpace.Physical, 0x10000ul, 0x10ul, false)]
    [InlineData(AddressSpace.Virtual, 0xFFFFFFFFFFFFFFF0ul, 0x20ul, false)]
    public void Contains_requires_the_whole_range_in_one_region(AddressSpace space, ulong address, ulong length, bool expected) =>
        s_map.Contains(space, address, length).Should().Be(expected);

    [Fact]
    public void Read_returns_content_then_the_address_pattern()
    {
        var bytes = new byte[16];
        s_map.Read(AddressSpace.Virtual, 0x10000, bytes);
        bytes[..4].Should().Equal(1, 2, 3, 4);
        bytes[4..8].Should().Equal(new byte[] { 0, 0, 0, 0 }, "bytes 4..7 of the word at 0x10000 hold the high half of its address");
        BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)).Should().Be(0x10008);
    }

    [Theory]
    [InlineData(0x10100ul, 64)]
    [InlineData(0x10103ul, 61)]
    [InlineData(0x10105ul, 2)]
    public void Read_fills_every_byte_with_the_pattern_at_any_alignment(ulong address, int length)
    {
        var bytes = new byte[length];
        s_map.Read(AddressSpace.Virtual, address, bytes);
        for (var i = 0; i < length; i++)
        {
            var at = address + (ulong)i;
            var word = at & ~7UL;
            bytes[i].Should().Be((byte)(word >> (int)((at - word) * 8)), "byte {0} is byte {1} of the word at 0x{2:X}", i, at - word, word);
        }
    }

    [Fact]
    public void Read_crosses_adjacent_regions()
    {
        var bytes = new byte[16];
        s_map.Read(AddressSpace.Virtual, 0x11FF8, bytes);
        BinaryPrimitives.ReadUInt64LittleEndian(bytes).Should().Be(0x11FF8);
        BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(8)).Should().Be(0x12000);
    }

    [Fact]
    public void Read_outside_the_map_throws()
    {
        var act = () => s_map.Read(AddressSpace.Physical, 0xFF8, new byte[16]);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("address");
    }

    public static TheoryData<MemoryRegion[]> BadMaps() => new()
    {
        new[] { new MemoryRegion(AddressSpace.Virtual, new AddressRange(0, 0)) },
        new[] { new MemoryRegion(AddressSpace.Virtual, new AddressRange(ulong.MaxValue, 2)) },
        new[] { new MemoryRegion(AddressSpace.Virtual, new AddressRange(0, 2), new byte[3]) },
        new[] { new MemoryRegion((AddressSpace)5, new AddressRange(0, 2)) },
        new[] { new MemoryRegion(AddressSpace.Virtual, new AddressRange(0, 0x100)), new MemoryRegion(AddressSpace.Virtual, new AddressRange(0xFF, 0x100)) },
        new[] { new MemoryRegion(AddressSpace.Virtual, new AddressRange(0x100, 0x100)), new MemoryRegion(AddressSpace.Virtual, new AddressRange(0, 0x101)) },
    };

    [Theory]
    [MemberData(nameof(BadMaps))]
    public void Constructor_rejects_bad_regions(MemoryRegion[] regions)
    {
        var act = () => new SimulatedMemoryMap(regions);
        act.Should().Throw<ArgumentException>().WithParameterName("regions");
    }

    [Fact]
    public void Constructor_rejects_null()
    {
        var act = () => new SimulatedMemoryMap(null!);
        act.Should().Throw<ArgumentNullException>().WithParameterName("regions");
        var withNull = () => new SimulatedMemoryMap([null!]);
        withNull.Should().Throw<ArgumentNullException>().WithParameterName("regions");
    }

    [Fact]
    public void Same_range_in_both_spaces_does_not_overlap() =>
        new SimulatedMemoryMap([new(AddressSpace.Virtual, new AddressRange(0, 0x1000)), new(AddressSpace.Physical, new AddressRange(0, 0x1000))])
            .Regions.Should().HaveCount(2);
}
