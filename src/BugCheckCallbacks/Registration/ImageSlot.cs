namespace BugCheckCallbacks.Registration;

/// <summary>
/// One module image of the simulated kernel: the component it belongs to, where it sits, where its component string
/// and its routines are, and how many routines it has handed out so far.
/// </summary>
/// <param name="Index">The slot number (0 ntoskrnl.exe, 1 hal.dll, then components in first-registration order).</param>
/// <param name="Name">The image's file name: the component name.</param>
/// <param name="Base">The image base.</param>
/// <param name="NameOffset">The offset of the image's copy of the component name.</param>
/// <param name="TextOffset">The offset of the code section, where routine 0 is.</param>
/// <param name="Routines">The routines handed out (the code section's size follows from it).</param>
internal readonly record struct ImageSlot(int Index, string Name, ulong Base, uint NameOffset, uint TextOffset, uint Routines)
{
    /// <summary>Gets the address of the image's copy of its name (ASCII, NUL-terminated): every record's <c>Component</c>.</summary>
    public ulong NameAddress => Base + NameOffset;

    /// <summary>Gets the address of routine <paramref name="routine"/>.</summary>
    public ulong RoutineAddress(uint routine) => Base + TextOffset + ((routine % SimulatedAddresses.RoutineCapacity(TextOffset)) * SimulatedAddresses.RoutineStride);

    /// <summary>Gets the image's size: headers, data and as many pages of code as its routines and 64 bytes after them fill.</summary>
    public uint SizeOfImage
    {
        get
        {
            var routines = Math.Clamp(Routines, 1, SimulatedAddresses.RoutineCapacity(TextOffset));
            // The bytes a reader reads past the last routine stay inside the image, and the image inside its reservation.
            return TextOffset + X64Page.AlignUp((routines * SimulatedAddresses.RoutineStride) + SimulatedAddresses.CodeReadMargin);
        }
    }
}
