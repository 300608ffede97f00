using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class BodyRangeSetTests
{
    [Fact]
    public void Add_merges_overlapping_and_adjacent_runs_per_space()
    {
        var set = new BodyRangeSet();
        set.Add(AddressSpace.Virtual, 10, 5);
        set.Add(AddressSpace.Virtual, 15, 5);
        set.Add(AddressSpace.Virtual, 2, 3);
        set.Add(AddressSpace.Virtual, 4, 7);
        set.Add(AddressSpace.Physical, 10, 1);
        set.Ranges(0x1000).Should().Equal(
            new PageRange(AddressSpace.Virtual, 0x2000, 18),
            new PageRange(AddressSpace.Physical, 0xA000, 1));
    }

    [Fact]
    public void Remove_splits_and_trims_runs()
    {
        var set = new BodyRangeSet();
        set.Add(AddressSpace.Physical, 0, 10);
        set.Add(AddressSpace.Physical, 20, 10);
        set.Remove(AddressSpace.Physical, 3, 2);
        set.Remove(AddressSpace.Physical, 8, 14);
        set.Remove(AddressSpace.Virtual, 0, 100);
        set.Ranges(1).Should().Equal(
            new PageRange(AddressSpace.Physical, 0, 3),
            new PageRange(AddressSpace.Physical, 5, 3),
            new PageRange(AddressSpace.Physical, 22, 8));
    }

    [Fact]
    public void Remove_of_everything_leaves_nothing()
    {
        var set = new BodyRangeSet();
        set.Add(AddressSpace.Virtual, 5, 5);
        set.Add(AddressSpace.Virtual, 20, 5);
        set.Remove(AddressSpace.Virtual, 0, 100);
        set.Ranges(1).Should().BeEmpty();
    }
}
