namespace BugCheckCallbacks.Binary;

/// <summary>An imported routine a callback's code reaches: which, from which call instruction, through which functions.</summary>
/// <param name="Import">The routine reached.</param>
/// <param name="CallRva">The call (or tail jump) that reaches it.</param>
/// <param name="Path">The functions from the callback routine to the one that makes the call, each as its entry RVA; the callback first.</param>
public sealed record ReachedImport(ImageImport Import, uint CallRva, IReadOnlyList<uint> Path);
