namespace BugCheckCallbacks;

/// <summary>Which dump types the kernel writes and which reasons each one dispatches: one place for the simulation and the contract checker.</summary>
internal static class DumpTypes
{
    /// <summary>The dump types the kernel writes, in value order.</summary>
    public static readonly DumpType[] Written =
    [
        DumpType.Full, DumpType.Summary, DumpType.Header, DumpType.Triage, DumpType.BitmapFull, DumpType.BitmapKernel, DumpType.Automatic,
    ];

    public static bool IsWritten(DumpType dumpType) => dumpType is >= DumpType.Full and <= DumpType.Automatic;

    public static void ThrowIfNotWritten(DumpType dumpType, string parameterName = "dumpType")
    {
        if (!IsWritten(dumpType))
        {
            throw new ArgumentOutOfRangeException(parameterName, dumpType, $"DumpType {(int)dumpType} is not a dump type the kernel writes (1..7).");
        }
    }

    /// <summary>Whether a bug check writing <paramref name="dumpType"/> calls the callbacks of <paramref name="reason"/>.</summary>
    public static bool Dispatches(DumpType dumpType, BugCheckCallbackReason reason) => reason switch
    {
        BugCheckCallbackReason.TriageDumpData => dumpType is DumpType.Triage or DumpType.Automatic,

        // Since Windows 8, AddPages (and RemovePages) callbacks run for kernel and complete dumps alike.
        BugCheckCallbackReason.AddPages or BugCheckCallbackReason.RemovePages =>
            dumpType is DumpType.Full or DumpType.Summary or DumpType.BitmapFull or DumpType.BitmapKernel or DumpType.Automatic,
        BugCheckCallbackReason.Reserved2 or BugCheckCallbackReason.Reserved3 => false,
        _ => true,
    };
}
