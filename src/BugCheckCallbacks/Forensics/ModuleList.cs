namespace BugCheckCallbacks.Forensics;

/// <summary>Represents the loaded-module list a walk read.</summary>
/// <param name="Head">The address of <c>PsLoadedModuleList</c> (0 when none was found).</param>
/// <param name="Modules">The modules, in list order.</param>
/// <param name="Findings">What was wrong with the list (broken links, a loop, an unreadable entry, too many entries).</param>
/// <param name="Tried">How the head was found, or what was tried when it was not.</param>
public sealed record ModuleList(ulong Head, IReadOnlyList<LoadedModule> Modules, IReadOnlyList<IntegrityFinding> Findings, string Tried);
