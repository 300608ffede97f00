namespace BugCheckCallbacks.Forensics;

/// <summary>Bounds a <see cref="KernelWalker"/>'s work on a dump that may be hostile.</summary>
public sealed record KernelWalkerOptions
{
    /// <summary>Gets the most entries one list walk reads before it stops with <see cref="IntegrityFindingKind.TooLong"/>.</summary>
    /// <value>1,000,000.</value>
    public int MaxListEntries { get; init; } = 1_000_000;

    /// <summary>
    /// Gets how many virtual pages a scan of kernel memory (for the KDBG tag, for carving) may consider, as a multiple of
    /// the pages the dump stores, plus 4,096: a page table that maps the same frames over and over cannot stall it.
    /// </summary>
    /// <value>4.</value>
    public int ScanBudgetPerStoredPage { get; init; } = 4;

    /// <summary>Checks the options.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A bound is less than 1.</exception>
    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxListEntries, 1, nameof(MaxListEntries));
        ArgumentOutOfRangeException.ThrowIfLessThan(ScanBudgetPerStoredPage, 1, nameof(ScanBudgetPerStoredPage));
    }
}
