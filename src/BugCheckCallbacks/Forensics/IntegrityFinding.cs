namespace BugCheckCallbacks.Forensics;

/// <summary>Represents one thing a walk found wrong.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Address">The address of the record or entry it concerns.</param>
/// <param name="Detail">A sentence with the values read.</param>
public sealed record IntegrityFinding(IntegrityFindingKind Kind, ulong Address, string Detail);
