namespace BugCheckCallbacks.Registration;

/// <summary>
/// Hands out the simulated addresses a registration's checksum is computed over, per registry: each component gets its
/// own module image (the first time it registers), every routine a fresh address in that image's code, and every record
/// the address of the image's copy of the component name. Not thread-safe: the registry calls it under its lock.
/// </summary>
internal sealed class ImageSlots
{
    private readonly Dictionary<string, int> _byName = new(StringComparer.OrdinalIgnoreCase); // Windows compares module names without case: HAL.DLL is hal.dll
    private readonly List<ImageSlot> _slots = [];
    private ulong _classicBuffers;

    public ImageSlots()
    {
        Slot(SimulatedAddresses.KernelImageName);
        Slot(SimulatedAddresses.HalImageName);
        var kernel = _slots[0];
        _slots[0] = kernel with { Routines = 1 }; // routine 0 of the kernel is KeBugCheckEx itself
    }

    /// <summary>Gives the next routine of <paramref name="component"/>'s image and the address of its name.</summary>
    public (ulong Routine, ulong Component) Next(string component)
    {
        var index = Slot(component);
        var slot = _slots[index];
        _slots[index] = slot with { Routines = slot.Routines + 1 };
        return (slot.RoutineAddress(slot.Routines), slot.NameAddress);
    }

    /// <summary>Gives a classic buffer of <paramref name="length"/> bytes its (notional) address, 16-byte aligned.</summary>
    public ulong NextClassicBuffer(uint length)
    {
        var address = SimulatedAddresses.ClassicBufferBase + _classicBuffers;
        _classicBuffers += (length + 15UL) & ~15UL;
        return address;
    }

    /// <summary>Copies the slots as they are now.</summary>
    public ImageSlot[] ToArray() => [.. _slots];

    private int Slot(string component)
    {
        if (_byName.TryGetValue(component, out var index))
        {
            return index;
        }

        index = _slots.Count;
        var (name, text) = SimulatedAddresses.SectionOffsets(index, component.Length);
        var imageBase = index == 0 ? SimulatedAddresses.ImagesBase : SimulatedAddresses.NextImageBase(_slots[^1].Base, _slots[^1].TextOffset, SimulatedAddresses.ImageReservation(text));
        _slots.Add(new ImageSlot(index, component, imageBase, name, text, 0));
        _byName.Add(component, index);
        return index;
    }
}
