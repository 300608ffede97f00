namespace BugCheckCallbacks.Registration;

/// <summary>Where a dispatch's walk is: the next record to look at, how many were called, and the current call's generation.</summary>
/// <param name="Index">The index, in the reason's list, of the record being called (or the next one to look at).</param>
/// <param name="Called">How many records were called before it.</param>
/// <param name="Generation">The registration generation of the record being called.</param>
internal record struct DispatchCursor(int Index, int Called, long Generation);
