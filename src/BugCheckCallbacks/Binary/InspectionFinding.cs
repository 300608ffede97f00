namespace BugCheckCallbacks.Binary;

/// <summary>One finding in a driver binary: what, where (the call, routine or record it is about, as an RVA), and why.</summary>
/// <param name="Kind">What was found.</param>
/// <param name="Rva">Where: the routine or record the finding is about, else the call.</param>
/// <param name="CallRva">The registration call it comes from.</param>
/// <param name="Detail">Why it matters, in a sentence.</param>
public sealed record InspectionFinding(InspectionFindingKind Kind, uint Rva, uint CallRva, string Detail)
{
    /// <summary>Gets whether the finding is a flag for an analyst (<see cref="InspectionFindingKind.RemovesPagesFromDump"/>, <see cref="InspectionFindingKind.WatchesDumpWrites"/>) rather than a defect.</summary>
    public bool IsForensic => Kind is InspectionFindingKind.RemovesPagesFromDump or InspectionFindingKind.WatchesDumpWrites;
}
