namespace BugCheckCallbacks;

/// <summary>Provides the metadata of every <see cref="BugCheckCallbackReason"/> (<c>KBUGCHECK_CALLBACK_REASON</c>), in value order.</summary>
public static class BugCheckReasons
{
    private static readonly BugCheckReasonInfo[] s_all =
    [
        new(BugCheckCallbackReason.Invalid, "KbCallbackInvalid", null, null, "n/a", false,
            "Not a reason; registration rejects it and nothing dispatches it."),
        new(BugCheckCallbackReason.Reserved1, "KbCallbackReserved1", null, null, "not stated", true,
            "Reserved; called at bug-check entry with no data."),
        new(BugCheckCallbackReason.SecondaryDumpData, "KbCallbackSecondaryDumpData", typeof(SecondaryDumpData), "KBUGCHECK_SECONDARY_DUMP_DATA",
            "Windows XP SP1 / Windows Server 2003", true,
            "Adds a GUID-tagged block to the secondary-data area (a sizing pass, then a data pass)."),
        new(BugCheckCallbackReason.DumpIo, "KbCallbackDumpIo", typeof(DumpIoData), "KBUGCHECK_DUMP_IO",
            "Windows XP SP1 / Windows Server 2003", true,
            "Sees every write of the dump (header, body, secondary data), then Complete."),
        new(BugCheckCallbackReason.AddPages, "KbCallbackAddPages", typeof(AddPagesData), "KBUGCHECK_ADD_PAGES",
            "Windows Server 2008", true,
            "Adds page ranges to the dump body (kernel and complete dumps since Windows 8)."),
        new(BugCheckCallbackReason.SecondaryMultiPartDumpData, "KbCallbackSecondaryMultiPartDumpData", typeof(SecondaryDumpDataEx), "KBUGCHECK_SECONDARY_DUMP_DATA_EX",
            "Windows Server 2008", true,
            "Adds secondary data over repeated calls (ADDITIONAL_DATA, Context kept)."),
        new(BugCheckCallbackReason.RemovePages, "KbCallbackRemovePages", typeof(RemovePagesData), "KBUGCHECK_REMOVE_PAGES",
            "not stated", true,
            "Removes page ranges from the dump body."),
        new(BugCheckCallbackReason.TriageDumpData, "KbCallbackTriageDumpData", typeof(TriageDumpData), "KBUGCHECK_TRIAGE_DUMP_DATA",
            "Windows 10 1809 / Windows Server 2019", true,
            "Returns an array of memory blocks to carve into a triage (mini) dump."),
        new(BugCheckCallbackReason.Reserved2, "KbCallbackReserved2", null, null, "current wdm.h only", false,
            "Reserved; never dispatched."),
        new(BugCheckCallbackReason.Reserved3, "KbCallbackReserved3", null, null, "current wdm.h only", false,
            "Reserved; never dispatched."),
    ];

    /// <summary>Gets the metadata of every reason, ordered by value.</summary>
    public static IReadOnlyList<BugCheckReasonInfo> All => s_all;

    /// <summary>Gets the metadata of <paramref name="reason"/>.</summary>
    /// <param name="reason">A defined reason.</param>
    /// <returns>The reason's metadata.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    public static BugCheckReasonInfo Get(BugCheckCallbackReason reason)
    {
        if ((uint)reason >= (uint)s_all.Length)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, $"{(int)reason} is not a defined BugCheckCallbackReason (0..{s_all.Length - 1}).");
        }

        return s_all[(int)reason];
    }

    /// <summary>Gets a value indicating whether <paramref name="reason"/> is a defined member.</summary>
    /// <param name="reason">The value to check.</param>
    /// <returns><see langword="true"/> for 0..9.</returns>
    public static bool IsDefined(BugCheckCallbackReason reason) => (uint)reason < (uint)s_all.Length;
}
