namespace BugCheckCallbacks.Forensics;

/// <summary>Represents one bug-check callback list a walk read, from its head.</summary>
/// <param name="Kind">Which list it is.</param>
/// <param name="Head">The address of the list head.</param>
/// <param name="Source">How the head was found.</param>
/// <param name="Records">The records, in list order (the first is the one the kernel calls first).</param>
/// <param name="Findings">What was wrong with the list itself (a loop, an unreadable entry, too many entries).</param>
public sealed record CallbackListInfo(CallbackListKind Kind, ulong Head, CallbackListSource Source, IReadOnlyList<CallbackRecordInfo> Records, IReadOnlyList<IntegrityFinding> Findings);
