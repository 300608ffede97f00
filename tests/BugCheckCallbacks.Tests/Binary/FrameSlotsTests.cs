using BugCheckCallbacks.Binary;
using Iced.Intel;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary><see cref="FrameSlots"/>: what a block stored in its frame, forgotten where it may have changed and never made up.</summary>
public sealed class FrameSlotsTests
{
    [Fact]
    public void A_stored_constant_or_local_address_is_read_back_and_an_unstored_slot_is_unknown()
    {
        var slots = new FrameSlots();
        slots.Set(Register.RSP, 0x20, 0x1234, null);
        slots.Set(Register.RBP, 0x20, null, (Register.RSP, 0x40));

        slots.Get(Register.RSP, 0x20).Should().Be(((ulong?)0x1234, ((Register, ulong)?)null));
        slots.Get(Register.RBP, 0x20).FrameAddress.Should().Be((Register.RSP, 0x40UL));
        slots.Get(Register.RSP, 0x28).Should().Be(default((ulong?, (Register, ulong)?)));
        slots.Count.Should().Be(2);
    }

    [Fact]
    public void Storing_nothing_known_forgets_the_slot_rather_than_keeping_it()
    {
        var slots = new FrameSlots();
        slots.Set(Register.RSP, 0x20, 7, null);
        slots.Set(Register.RSP, 0x28, 8, null);

        slots.Set(Register.RSP, 0x20, null, null);
        slots.Set(Register.RSP, 0x30, null, null);

        slots.Count.Should().Be(1);
        slots.Get(Register.RSP, 0x20).Value.Should().BeNull();
        slots.Get(Register.RSP, 0x28).Value.Should().Be(8);
    }

    [Theory]
    [InlineData(0x20UL, 1UL, new[] { 0x28UL, 0x30UL })] // a byte at 0x20 overlaps the slot at 0x20 only
    [InlineData(0x27UL, 2UL, new[] { 0x30UL })] // two bytes across 0x27–0x28 overlap the slots at 0x20 and 0x28
    [InlineData(0x18UL, 8UL, new[] { 0x20UL, 0x28UL, 0x30UL })] // 0x18–0x1F touches none
    [InlineData(0x1CUL, 0x20UL, new ulong[0])] // 0x1C–0x3B overlaps all three
    public void A_write_into_the_frame_forgets_exactly_the_slots_it_overlaps(ulong start, ulong size, ulong[] kept)
    {
        var slots = new FrameSlots();
        foreach (var displacement in new[] { 0x20UL, 0x28UL, 0x30UL })
        {
            slots.Set(Register.RSP, displacement, displacement, null);
        }

        slots.Set(Register.RBP, 0x20, 1, null);

        slots.RemoveOverlapping(Register.RSP, start, size);

        new[] { 0x20UL, 0x28UL, 0x30UL }.Where(d => slots.Get(Register.RSP, d).Value is not null).Should().Equal(kept);
        slots.Get(Register.RBP, 0x20).Value.Should().Be(1, "a slot of the other frame base is not written");
    }

    [Fact]
    public void Forgetting_a_frame_base_keeps_the_other_bases_slots_and_clear_forgets_all()
    {
        var slots = new FrameSlots();
        slots.Set(Register.RSP, 0x20, 1, null);
        slots.Set(Register.RBP, 0x20, 2, null);

        slots.Forget(Register.RSP);

        (slots.Get(Register.RSP, 0x20).Value, slots.Get(Register.RBP, 0x20).Value).Should().Be((null, 2UL));
        slots.Clear();
        slots.Count.Should().Be(0);
    }

    [Fact]
    public void A_full_set_forgets_its_oldest_slot_and_keeps_the_newest()
    {
        var slots = new FrameSlots();
        for (var i = 0UL; i < 40; i++)
        {
            slots.Set(Register.RSP, i * 8, i + 1, null);
        }

        slots.Count.Should().Be(32);
        slots.Get(Register.RSP, 0).Value.Should().BeNull("the oldest went");
        slots.Get(Register.RSP, 7 * 8).Value.Should().BeNull();
        slots.Get(Register.RSP, 8 * 8).Value.Should().Be(9);
        slots.Get(Register.RSP, 39 * 8).Value.Should().Be(40);
    }
}
