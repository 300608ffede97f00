namespace BugCheckCallbacks.Binary;

/// <summary>
/// One call in a driver's code to a <see cref="RegistrationRoutine"/>, with the arguments recovered from the instructions
/// before it (x64 calling convention: rcx, rdx, r8, r9, then the stack at rsp+0x20). An argument is null — unknown —
/// where it is not a constant set in the same basic block (a <c>lea</c> of a RIP-relative address, an immediate, a copy
/// of either): it is never guessed.
/// </summary>
/// <param name="Routine">The routine called.</param>
/// <param name="CallRva">The RVA of the call instruction.</param>
/// <param name="RecordRva">The record (rcx): a <c>KBUGCHECK_REASON_CALLBACK_RECORD</c> or <c>KBUGCHECK_CALLBACK_RECORD</c>, as an RVA; null when unknown or outside the image.</param>
/// <param name="CallbackRva">The callback routine (rdx) of a registration, as an RVA; null when unknown, or for a deregistration.</param>
/// <param name="Reason">The reason (r8d) of <see cref="RegistrationRoutine.KeRegisterBugCheckReasonCallback"/>; null when unknown or for the others.</param>
/// <param name="ComponentRva">The component string (r9 for a reason callback, the fifth argument for a classic one), as an RVA; null when unknown.</param>
/// <param name="Component">The component string the image holds there, or null.</param>
/// <param name="ResultUsed">
/// Whether the code reads the BOOLEAN the routine returns (al) after the call: true when it reads it or returns it,
/// false when it overwrites it or makes another call first, null where the block ends before either.
/// </param>
/// <param name="RecordOnStack">Whether the record (rcx) is an address in the caller's stack frame: a local variable.</param>
public sealed record RegistrationCall(
    RegistrationRoutine Routine,
    uint CallRva,
    uint? RecordRva,
    uint? CallbackRva,
    BugCheckCallbackReason? Reason,
    uint? ComponentRva,
    string? Component,
    bool? ResultUsed = null,
    bool RecordOnStack = false)
{
    /// <summary>Gets whether the call registers (true) or deregisters (false).</summary>
    public bool IsRegistration => Routine is RegistrationRoutine.KeRegisterBugCheckReasonCallback or RegistrationRoutine.KeRegisterBugCheckCallback;
}
