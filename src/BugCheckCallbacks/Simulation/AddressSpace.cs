namespace BugCheckCallbacks.Simulation;

/// <summary>Specifies which address space an address belongs to (the VIRTUAL/PHYSICAL flags of <c>KBUGCHECK_ADD_PAGES</c>).</summary>
public enum AddressSpace
{
    /// <summary>A kernel virtual address (<c>KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS</c>).</summary>
    Virtual = 0,

    /// <summary>A physical address (<c>KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS</c>).</summary>
    Physical = 1,
}
