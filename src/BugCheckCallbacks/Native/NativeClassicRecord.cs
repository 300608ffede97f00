using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Native;

/// <summary>A driver's classic <c>KBUGCHECK_CALLBACK_RECORD</c> in its own memory, and the managed twin the registry calls.</summary>
internal sealed class NativeClassicRecord(NativeDriver driver, nint address, nint routine, nint buffer, uint length, nint component, BugCheckCallbackRecord twin)
{
    public NativeDriver Driver { get; } = driver;

    public nint Address { get; } = address;

    public nint Routine { get; } = routine;

    public nint Buffer { get; } = buffer;

    public uint Length { get; } = length;

    public nint Component { get; } = component;

    public BugCheckCallbackRecord Twin { get; } = twin;

    /// <summary>The checksum Windows stores (<see cref="SimulatedAddresses.Checksum(ulong, ulong, uint, ulong)"/>).</summary>
    public nuint Checksum => (nuint)SimulatedAddresses.Checksum((ulong)Routine, (ulong)Buffer, Length, (ulong)Component);

    public void Call(Span<byte> buffer) => Driver.Kernel.CallClassic(this);
}
