using System.Text.Json.Serialization;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one secondary-data blob written to the dump.</summary>
/// <param name="Tag">The GUID tag.</param>
/// <param name="Size">The data size in bytes.</param>
/// <param name="Component">The component whose callback produced it.</param>
/// <param name="Reason">SecondaryDumpData or SecondaryMultiPartDumpData.</param>
/// <param name="IsReadable">Whether <c>ReadTagged</c> can reach it (it is the first blob with its tag).</param>
public sealed record SecondaryBlobInfo(Guid Tag, uint Size, string Component, BugCheckCallbackReason Reason, bool IsReadable)
{
    private readonly NotCompared<BugCheckReasonCallbackRecord> _record;

    /// <summary>Gets the reason record whose callback produced it (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>); equality skips it.</summary>
    /// <value><see langword="null"/> in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckReasonCallbackRecord? Record { get => _record.Value; init => _record = new(value); }
}
