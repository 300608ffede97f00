using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Native;

/// <summary>A driver's classic <c>KBUGCHECK_CALLBACK_RECORD</c> in its own memory, and the managed twin the registry calls.</summary>
internal sealed class NativeClassicRecord(NativeDriver driver, nint address, nint routine, nint buffer, uint length, BugCheckCallbackRecord twin)
{
    public NativeDriver Driver { get; } = driver;

    public nint Address { get; } = address;

    public nint Routine { get; } = routine;

    public nint Buffer { get; } = buffer;

    public uint Length { get; } = length;

    public BugCheckCallbackRecord Twin { get; } = twin;

    public void Call(Span<byte> buffer) => Driver.Kernel.CallClassic(this);
}
