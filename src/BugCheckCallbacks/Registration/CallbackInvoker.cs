using System.Diagnostics.CodeAnalysis;

namespace BugCheckCallbacks.Registration;

/// <summary>Calls one classic callback inside an exception handler, the way the kernel does: the crash goes on either way (reason callbacks go through <see cref="DispatchEngine"/>).</summary>
internal static class CallbackInvoker
{
    [SuppressMessage("Design", "CA1031:Do not catch general exception types", Justification = "Fault containment is the contract: any exception becomes BufferIncomplete.")]
    public static Exception? Invoke(BugCheckCallback callback, Span<byte> buffer)
    {
        try
        {
            callback(buffer);
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }
}
