namespace BugCheckCallbacks.Simulation;

/// <summary>Represents the final state of one record after a simulated bug check.</summary>
/// <param name="Reason">The reason, or <see langword="null"/> for a classic record.</param>
/// <param name="Component">The component name.</param>
/// <param name="RecordIndex">The record's position in its reason's dispatch order (or in the classic list).</param>
/// <param name="Calls">How many times it was called.</param>
/// <param name="FinalState">Its state at the end.</param>
public sealed record RecordOutcome(BugCheckCallbackReason? Reason, string Component, int RecordIndex, int Calls, BufferDumpState FinalState);
