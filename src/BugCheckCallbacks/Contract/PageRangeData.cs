namespace BugCheckCallbacks;

/// <summary>
/// Represents the repeat-protocol data shared by <see cref="AddPagesData"/> and <see cref="RemovePagesData"/>
/// (<c>KBUGCHECK_ADD_PAGES</c> and <c>KBUGCHECK_REMOVE_PAGES</c>, which have the same layout).
/// </summary>
/// <remarks>
/// <see cref="Context"/> is zero before the first call and kept after; <see cref="Flags"/> is zero on every entry.
/// The callback sets exactly one of <see cref="PageRangeFlags.VirtualAddress"/> and
/// <see cref="PageRangeFlags.PhysicalAddress"/>, <see cref="Address"/> and <see cref="Count"/> (pages), plus
/// <see cref="PageRangeFlags.AdditionalRangesExist"/> to be called again.
/// </remarks>
public abstract class PageRangeData : ReasonCallbackData
{
    /// <summary>The size of <c>KBUGCHECK_ADD_PAGES</c> and <c>KBUGCHECK_REMOVE_PAGES</c> on x64.</summary>
    internal const uint NativeSize = 0x20;

    private protected PageRangeData()
    {
    }

    /// <inheritdoc/>
    public override uint Length => NativeSize;

    /// <summary>Gets or sets the callback's private context, zero before the first call (<c>Context</c>).</summary>
    public nint Context { get; set; }

    /// <summary>Gets or sets the flags that describe the range (<c>Flags</c>); zero on entry.</summary>
    public PageRangeFlags Flags { get; set; }

    /// <summary>Gets the bug-check code (<c>BugCheckCode</c>).</summary>
    public uint BugCheckCode { get; internal set; }

    /// <summary>Gets or sets the virtual or physical address of the first page (<c>Address</c>).</summary>
    public ulong Address { get; set; }

    /// <summary>Gets or sets the number of contiguous pages (<c>Count</c>).</summary>
    public ulong Count { get; set; }

    /// <summary>Prepares the structure for the first call of a callback.</summary>
    internal void PrepareFirstCall(uint bugCheckCode)
    {
        Context = 0;
        BugCheckCode = bugCheckCode;
        PrepareNextCall();
    }

    /// <summary>Prepares the structure for a repeated call: the context survives, the outputs do not.</summary>
    internal void PrepareNextCall()
    {
        Flags = PageRangeFlags.None;
        Address = 0;
        Count = 0;
    }
}

/// <summary>
/// Represents the data of a <see cref="BugCheckCallbackReason.AddPages"/> call; the managed twin of
/// <c>KBUGCHECK_ADD_PAGES</c> (wdm.h).
/// </summary>
public sealed class AddPagesData : PageRangeData
{
    internal AddPagesData()
    {
    }

    /// <summary>
    /// Creates the structure as the kernel hands it to one AddPages call, to call one callback outside a bug check
    /// (see <see cref="Simulation.SimulatedKernel.Invoke{TData}"/>).
    /// </summary>
    /// <param name="bugCheckCode">The stop code (<c>BugCheckCode</c>).</param>
    /// <param name="context">The <c>Context</c>: 0 on the first call, then what the callback left in it.</param>
    /// <returns>A structure with <see cref="PageRangeData.Flags"/>, <see cref="PageRangeData.Address"/> and <see cref="PageRangeData.Count"/> zeroed.</returns>
    public static AddPagesData ForCall(uint bugCheckCode = 0, nint context = 0)
    {
        var data = new AddPagesData();
        data.PrepareFirstCall(bugCheckCode);
        data.Context = context;
        return data;
    }
}

/// <summary>
/// Represents the data of a <see cref="BugCheckCallbackReason.RemovePages"/> call; the managed twin of
/// <c>KBUGCHECK_REMOVE_PAGES</c> (wdm.h).
/// </summary>
public sealed class RemovePagesData : PageRangeData
{
    internal RemovePagesData()
    {
    }

    /// <summary>
    /// Creates the structure as the kernel hands it to one RemovePages call, to call one callback outside a bug check
    /// (see <see cref="Simulation.SimulatedKernel.Invoke{TData}"/>).
    /// </summary>
    /// <param name="bugCheckCode">The stop code (<c>BugCheckCode</c>).</param>
    /// <param name="context">The <c>Context</c>: 0 on the first call, then what the callback left in it.</param>
    /// <returns>A structure with <see cref="PageRangeData.Flags"/>, <see cref="PageRangeData.Address"/> and <see cref="PageRangeData.Count"/> zeroed.</returns>
    public static RemovePagesData ForCall(uint bugCheckCode = 0, nint context = 0)
    {
        var data = new RemovePagesData();
        data.PrepareFirstCall(bugCheckCode);
        data.Context = context;
        return data;
    }
}
