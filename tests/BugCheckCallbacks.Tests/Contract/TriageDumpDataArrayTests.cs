namespace BugCheckCallbacks.Tests.Contract;

public sealed class TriageDumpDataArrayTests
{
    [Theory]
    [InlineData(0x40u, 1u)]
    [InlineData(0x4Fu, 1u)]
    [InlineData(0x50u, 2u)]
    [InlineData(0x1030u, 256u)]
    public void Capacity_follows_from_the_byte_size(uint size, uint blocks)
    {
        var array = new TriageDumpDataArray(size);
        array.NumBlocksTotal.Should().Be(blocks);
        array.NumBlocksUsed.Should().Be(0);
        array.IsInitialized.Should().BeTrue();
        array.MaxDataSize.Should().Be(TriageDumpDataArray.MaxMemorySize);
        array.AllocatedSize.Should().Be(size);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(0x3Fu)]
    public void Constructor_rejects_a_size_below_header_and_one_block(uint size)
    {
        var act = () => new TriageDumpDataArray(size);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("sizeInBytes");
    }

    [Fact]
    public void AddBlock_appends_blocks_and_sums_their_size()
    {
        var array = new TriageDumpDataArray(0x60);
        array.AddBlock(0x1000, 0x10).Should().Be(NtStatus.Success);
        array.AddBlock(0x2000, 0x20).Should().Be(NtStatus.Success);
        array.Blocks.ToArray().Should().Equal(new AddressRange(0x1000, 0x10), new AddressRange(0x2000, 0x20));
        array.DataSize.Should().Be(0x30);
        array.NumBlocksUsed.Should().Be(2);
    }

    [Fact]
    public void AddBlock_reports_a_full_array_and_changes_nothing()
    {
        var array = new TriageDumpDataArray(TriageDumpDataArray.MinimumSize);
        array.AddBlock(0x1000, 8).Should().Be(NtStatus.Success);
        array.AddBlock(0x2000, 8).Should().Be(NtStatus.InsufficientResources);
        array.NumBlocksUsed.Should().Be(1);
        array.DataSize.Should().Be(8);
    }

    [Fact]
    public void AddBlock_reports_the_size_limit_and_changes_nothing()
    {
        var array = new TriageDumpDataArray(0x60) { MaxDataSize = 0x100 };
        array.AddBlock(0x1000, 0xF0).Should().Be(NtStatus.Success);
        array.AddBlock(0x2000, 0x11).Should().Be(NtStatus.QuotaExceeded);
        array.AddBlock(0x2000, 0x10).Should().Be(NtStatus.Success);
        array.DataSize.Should().Be(0x100);
    }

    [Theory]
    [InlineData(0x1000ul, 0ul)]
    [InlineData(0xFFFFFFFFFFFFFFF0ul, 0x11ul)]
    public void AddBlock_rejects_an_empty_or_wrapping_block(ulong address, ulong size) =>
        new TriageDumpDataArray(0x60).AddBlock(address, size).Should().Be(NtStatus.InvalidParameter3);

    [Fact]
    public void AddBlock_accepts_a_block_that_ends_at_the_top_of_the_address_space() =>
        new TriageDumpDataArray(0x60).AddBlock(0xFFFFFFFFFFFFFFF0, 0x10).Should().Be(NtStatus.Success);

    [Fact]
    public void AddBlock_accepts_a_block_at_address_zero() =>
        new TriageDumpDataArray(0x60).AddBlock(0, 0x10).Should().Be(NtStatus.Success);

    [Fact]
    public void Initialize_resets_the_array_and_shrinks_its_capacity()
    {
        var array = new TriageDumpDataArray(0x80);
        array.AddBlock(0x1000, 8);
        array.Initialize(0x50).Should().Be(NtStatus.Success);
        array.NumBlocksUsed.Should().Be(0);
        array.NumBlocksTotal.Should().Be(2);
        array.DataSize.Should().Be(0);
    }

    [Theory]
    [InlineData(0x3Fu)]
    [InlineData(0x81u)]
    public void Initialize_rejects_a_size_out_of_range_and_changes_nothing(uint size)
    {
        var array = new TriageDumpDataArray(0x80);
        array.AddBlock(0x1000, 8);
        array.Initialize(size).Should().Be(NtStatus.InvalidParameter2);
        array.NumBlocksUsed.Should().Be(1);
        array.NumBlocksTotal.Should().Be(5);
    }

    [Fact]
    public void MaxDataSize_cannot_exceed_the_kernel_limit()
    {
        var array = new TriageDumpDataArray(0x40);
        var act = () => array.MaxDataSize = TriageDumpDataArray.MaxMemorySize + 1;
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("value");
        array.MaxDataSize.Should().Be(TriageDumpDataArray.MaxMemorySize);
    }

    [Fact]
    public void ComponentName_is_settable() => new TriageDumpDataArray(0x40) { ComponentName = "net.sys" }.ComponentName.Should().Be("net.sys");

    [Fact]
    public void AddBlock_allocates_nothing()
    {
        var array = new TriageDumpDataArray(0x1030);
        array.AddBlock(0, 1);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < 200; i++)
        {
            array.AddBlock((ulong)i * 0x1000, 0x10);
        }

        (GC.GetAllocatedBytesForCurrentThread() - before).Should().Be(0);
    }
}
