namespace BugCheckCallbacks;

/// <summary>
/// Represents the reason-specific data a bug-check reason callback receives (the routine's
/// <c>ReasonSpecificData</c> and <c>ReasonSpecificDataLength</c> parameters).
/// </summary>
/// <remarks>
/// The simulated kernel allocates one instance per reason and bug check and reuses it for every call, so a call
/// allocates nothing; do not keep a reference past the call.
/// </remarks>
public abstract class ReasonCallbackData
{
    private protected ReasonCallbackData()
    {
    }

    /// <summary>Gets the size in bytes of the native structure on x64 (the routine's <c>ReasonSpecificDataLength</c>).</summary>
    public abstract uint Length { get; }

    /// <summary>The reason whose routines receive a structure of <paramref name="type"/>, or null when it is not one reason's structure.</summary>
    internal static BugCheckCallbackReason? ReasonFor(Type type) => type switch
    {
        _ when type == typeof(SecondaryDumpData) => BugCheckCallbackReason.SecondaryDumpData,
        _ when type == typeof(SecondaryDumpDataEx) => BugCheckCallbackReason.SecondaryMultiPartDumpData,
        _ when type == typeof(AddPagesData) => BugCheckCallbackReason.AddPages,
        _ when type == typeof(RemovePagesData) => BugCheckCallbackReason.RemovePages,
        _ when type == typeof(DumpIoData) => BugCheckCallbackReason.DumpIo,
        _ when type == typeof(TriageDumpData) => BugCheckCallbackReason.TriageDumpData,
        _ => null,
    };
}
