using Iced.Intel;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// What a block has stored in its stack frame's 8-byte slots (<c>[rsp+d]</c>, <c>[rbp+d]</c>): a constant, or a
/// local's address. A few dozen at most, so a short array searched in order: no hashing, and no generic instantiation
/// over Iced's types that a ReadyToRun image could not hold. When it is full the oldest slot is forgotten, which is
/// always safe: a slot not held is unknown, never wrong.
/// </summary>
internal sealed class FrameSlots
{
    private const int Capacity = 32;
    private readonly Slot[] _slots = new Slot[Capacity];

    public int Count { get; private set; }

    /// <summary>What the slot at <paramref name="displacement"/> from <paramref name="frameBase"/> holds; nulls when unknown.</summary>
    public (ulong? Value, (Register Base, ulong Displacement)? FrameAddress) Get(Register frameBase, ulong displacement)
    {
        var i = IndexOf(frameBase, displacement);
        return i < 0 ? default : (_slots[i].Value, _slots[i].FrameAddress);
    }

    /// <summary>Stores in a slot; storing nothing known forgets it (a callee-saved register's spill, say), so it costs nothing later.</summary>
    public void Set(Register frameBase, ulong displacement, ulong? value, (Register, ulong)? frameAddress)
    {
        var i = IndexOf(frameBase, displacement);
        if (value is null && frameAddress is null)
        {
            if (i >= 0)
            {
                Array.Copy(_slots, i + 1, _slots, i, Count - i - 1);
                Count--;
            }

            return;
        }

        if (i < 0)
        {
            if (Count == Capacity)
            {
                Array.Copy(_slots, 1, _slots, 0, Capacity - 1); // the oldest goes
                Count--;
            }

            i = Count++;
        }

        _slots[i] = new Slot(frameBase, displacement, value, frameAddress);
    }

    /// <summary>Forgets every slot of <paramref name="frameBase"/> that a write of <paramref name="size"/> bytes at <paramref name="start"/> overlaps.</summary>
    public void RemoveOverlapping(Register frameBase, ulong start, ulong size)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            var slot = _slots[i];
            if (!(slot.Base == frameBase && slot.Displacement < start + size && start < slot.Displacement + 8))
            {
                _slots[kept++] = slot;
            }
        }

        Count = kept;
    }

    /// <summary>Forgets every slot addressed from <paramref name="frameBase"/>: that register moved.</summary>
    public void Forget(Register frameBase)
    {
        var kept = 0;
        for (var i = 0; i < Count; i++)
        {
            if (_slots[i].Base != frameBase)
            {
                _slots[kept++] = _slots[i];
            }
        }

        Count = kept;
    }

    public void Clear() => Count = 0;

    private int IndexOf(Register frameBase, ulong displacement)
    {
        for (var i = 0; i < Count; i++)
        {
            if (_slots[i].Base == frameBase && _slots[i].Displacement == displacement)
            {
                return i;
            }
        }

        return -1;
    }

    private readonly record struct Slot(Register Base, ulong Displacement, ulong? Value, (Register, ulong)? FrameAddress);
}
