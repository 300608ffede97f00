using System.Diagnostics;

namespace BugCheckCallbacks.Registration;

/// <summary>
/// One of the kernel's callback lists, with O(1) amortized insert and remove and lock-free, copy-free readers.
/// </summary>
/// <remarks>
/// Registrations are appended to a slot array, each slot naming the record and the registration generation it was made
/// for; a reader takes the published (array, count) pair and walks it — backwards for newest-first, forwards for
/// oldest-first — so a registration made during a walk is past the count it took and is not visited, as before.
/// Removing only changes the record's state (the walk skips a slot whose record is no longer registered with that
/// generation); once dead slots outnumber live ones the live ones are copied into a new array, which keeps every
/// operation O(1) amortized. Published arrays are never changed below their published count. Writers hold the
/// registry's lock.
/// </remarks>
internal sealed class CallbackList<T>(Func<T, long, bool> isRegistration)
    where T : class
{
    private const int CompactionFloor = 64;

    private View _view = new([], 0);
    private int _live;

    public int Count => Volatile.Read(ref _live);

    /// <summary>Gets the slots as they are now; a walk over them sees no later registration.</summary>
    public View Current => Volatile.Read(ref _view);

    public void Add(T record, long generation)
    {
        var view = _view;
        var slots = view.Slots;
        if (view.Count == slots.Length)
        {
            var grown = new Slot[Math.Max(8, slots.Length * 2)];
            slots.AsSpan(0, view.Count).CopyTo(grown);
            slots = grown;
        }

        slots[view.Count] = new Slot(record, generation); // past every published count: no reader sees it yet
        Volatile.Write(ref _view, new View(slots, view.Count + 1));
        _live++;
    }

    /// <summary>Accounts for a record that stopped being registered; compacts when dead slots outnumber live ones.</summary>
    public void Removed()
    {
        _live--;
        Debug.Assert(_live >= 0, "Removed once per registration.");
        var view = _view;
        var dead = view.Count - _live;
        if (dead <= CompactionFloor || dead <= _live)
        {
            return;
        }

        var slots = new Slot[Math.Max(8, _live * 2)];
        var count = 0;
        foreach (var slot in view.Slots.AsSpan(0, view.Count))
        {
            if (isRegistration(slot.Record, slot.Generation))
            {
                slots[count++] = slot;
            }
        }

        Debug.Assert(count == _live, "Every live registration has one slot.");
        Volatile.Write(ref _view, new View(slots, count));
    }

    /// <summary>The registrations live now, in dispatch order.</summary>
    public Slot[] ToSlots(CallbackOrder order) => Collect(order, static slot => slot);

    /// <summary>The records registered now, in dispatch order.</summary>
    public T[] ToArray(CallbackOrder order) => Collect(order, static slot => slot.Record);

    private TResult[] Collect<TResult>(CallbackOrder order, Func<Slot, TResult> select)
    {
        var view = Current;
        var items = new List<TResult>(Math.Min(view.Count, Count));
        for (var i = 0; i < view.Count; i++)
        {
            var slot = view.Slots[order == CallbackOrder.NewestFirst ? view.Count - 1 - i : i];
            if (isRegistration(slot.Record, slot.Generation))
            {
                items.Add(select(slot));
            }
        }

        return items.ToArray();
    }

    /// <summary>One registration: the record and the generation it was registered with.</summary>
    internal readonly record struct Slot(T Record, long Generation);

    /// <summary>A published state of the list: slots [0, Count) are final.</summary>
    internal sealed class View(Slot[] slots, int count)
    {
        public Slot[] Slots { get; } = slots;

        public int Count { get; } = count;
    }
}
