namespace BugCheckCallbacks.Registration;

/// <summary>Represents what happened to one record in a <see cref="BugCheckCallbackRegistry.Dispatch(BugCheckCallbackReason, ReasonCallbackData?, Span{DispatchResult})"/>.</summary>
/// <param name="Record">The record that was called.</param>
/// <param name="FinalState">Its state after the call: Finished, Incomplete, or Empty when it deregistered itself.</param>
/// <param name="Exception">The exception the callback raised, or <see langword="null"/>.</param>
public readonly record struct DispatchResult(BugCheckReasonCallbackRecord Record, BufferDumpState FinalState, Exception? Exception);
