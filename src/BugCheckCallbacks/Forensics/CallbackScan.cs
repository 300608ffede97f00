namespace BugCheckCallbacks.Forensics;

/// <summary>Represents every bug-check callback list a walk found, and the records it carved that are on none.</summary>
/// <param name="Lists">The lists, classic first, then reason, then add/remove pages; one per head found.</param>
/// <param name="Unlinked">Carved records on no list: deregistered (Empty) ones, and hidden ones (flagged <see cref="IntegrityFindingKind.NotOnList"/>).</param>
/// <param name="Notes">How the heads were found and what was tried, one sentence each.</param>
public sealed record CallbackScan(IReadOnlyList<CallbackListInfo> Lists, IReadOnlyList<CallbackRecordInfo> Unlinked, IReadOnlyList<string> Notes)
{
    /// <summary>Gets every finding: the lists', their records' and the unlinked records'.</summary>
    public IEnumerable<IntegrityFinding> AllFindings =>
        Lists.SelectMany(l => l.Findings.Concat(l.Records.SelectMany(r => r.Findings))).Concat(Unlinked.SelectMany(r => r.Findings));
}
