using System.Text.Json.Serialization;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one triage block carved into the dump.</summary>
/// <param name="Component">The component whose callback returned it.</param>
/// <param name="Address">The virtual address of the block.</param>
/// <param name="Size">The size in bytes.</param>
public sealed record TriageBlockInfo(string Component, ulong Address, ulong Size)
{
    private readonly NotCompared<BugCheckReasonCallbackRecord> _record;

    /// <summary>Gets the reason record whose callback produced it (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>); equality skips it.</summary>
    /// <value><see langword="null"/> in an outcome read back with <see cref="BugCheckOutcome.FromJson"/>.</value>
    [JsonIgnore]
    public BugCheckReasonCallbackRecord? Record { get => _record.Value; init => _record = new(value); }
}
