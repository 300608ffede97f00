using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Native;

/// <summary>A driver's <c>KBUGCHECK_REASON_CALLBACK_RECORD</c> in its own memory, and the managed twin the registry dispatches.</summary>
internal sealed class NativeReasonRecord(NativeDriver driver, nint address, nint routine, BugCheckCallbackReason reason, nint component, BugCheckReasonCallbackRecord twin)
{
    public NativeDriver Driver { get; } = driver;

    public nint Address { get; } = address;

    public nint Routine { get; } = routine;

    public BugCheckCallbackReason Reason { get; } = reason;

    public nint Component { get; } = component;

    public BugCheckReasonCallbackRecord Twin { get; } = twin;

    /// <summary>The checksum Windows stores (<see cref="SimulatedAddresses.Checksum(ulong, BugCheckCallbackReason, ulong)"/>).</summary>
    public nuint Checksum => (nuint)SimulatedAddresses.Checksum((ulong)Routine, Reason, (ulong)Component);

    /// <summary>The routine the registry calls: hands the call to the driver's native routine.</summary>
    public void Call(BugCheckCallbackReason reason, BugCheckReasonCallbackRecord record, ReasonCallbackData? data) => Driver.Kernel.CallReason(this, reason, data);
}
