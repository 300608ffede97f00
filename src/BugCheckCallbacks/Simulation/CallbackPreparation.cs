using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Runs, before the crash, the one-time work .NET would otherwise do inside a callback's first call: the static
/// constructors of the types its routine and closure belong to, and the compilation of the routine.
/// </summary>
/// <remarks>
/// A C driver initializes its globals in DriverEntry; .NET initializes statics lazily, on first use. Without this step a
/// callback whose type holds, say, a static readonly Guid would be charged for allocating it on its first call — a
/// false <see cref="ViolationKind.AllocatedMemory"/>, seen in CI. The kernel does the equivalent work when it loads a driver.
/// </remarks>
internal static class CallbackPreparation
{
    [UnconditionalSuppressMessage("Trimming", "IL2059", Justification = "The types come from a live delegate, so the trimmer kept them; running a static constructor early is best effort.")]
    public static void Prepare(Delegate callback)
    {
        try
        {
            for (var type = callback.Method.DeclaringType; type is not null; type = type.DeclaringType)
            {
                RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }

            for (var type = callback.Target?.GetType(); type is not null; type = type.DeclaringType)
            {
                RuntimeHelpers.RunClassConstructor(type.TypeHandle);
            }

            RuntimeHelpers.PrepareMethod(callback.Method.MethodHandle);
        }
        catch (Exception exception) when (exception is NotSupportedException or PlatformNotSupportedException or ArgumentException)
        {
            // Best effort: without metadata (Native AOT) or for a generic or dynamic method, the first call pays instead.
        }
        catch (TypeInitializationException)
        {
            // The routine's type cannot initialize; its first call will fail the same way, inside the handler that reports it.
        }
    }
}
