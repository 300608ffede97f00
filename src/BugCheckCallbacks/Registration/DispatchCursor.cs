namespace BugCheckCallbacks.Registration;

/// <summary>Where a walk is: the position being called (or the next to look at), the calls made, and the current call.</summary>
/// <param name="Index">The position in the walk of the record being called, or of the next one to look at.</param>
/// <param name="Called">How many calls were made before the current one.</param>
/// <param name="Generation">The registration generation of the record being called.</param>
/// <param name="Call">The number of the current call of that record, from 1.</param>
/// <param name="InRoutine">Whether the routine is running: only its exceptions are faults; the observer's propagate.</param>
internal record struct DispatchCursor(int Index, int Called, long Generation, int Call, bool InRoutine);
