using System.Diagnostics.Contracts;
using BugCheckCallbacks.Checking;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>The <c>Should()</c> entry points for the BugCheckCallbacks types.</summary>
public static class BugCheckAssertionExtensions
{
    /// <summary>Starts assertions on a bug check's outcome.</summary>
    /// <param name="outcome">The outcome of <see cref="SimulatedKernel.KeBugCheckEx"/>.</param>
    /// <returns>The assertions.</returns>
    [Pure]
    public static BugCheckOutcomeAssertions Should(this BugCheckOutcome outcome) => new(outcome);

    /// <summary>Starts assertions on one call of one callback.</summary>
    /// <param name="call">The outcome of <see cref="SimulatedKernel.Invoke{TData}"/>.</param>
    /// <returns>The assertions.</returns>
    [Pure]
    public static CallOutcomeAssertions Should(this CallOutcome call) => new(call);

    /// <summary>Starts assertions on what the contract checker found.</summary>
    /// <param name="result">The result of <see cref="ContractChecker"/>.</param>
    /// <returns>The assertions.</returns>
    [Pure]
    public static ContractCheckResultAssertions Should(this ContractCheckResult result) => new(result);

    /// <summary>Starts assertions on the secondary data of a dump (an <see cref="InMemoryDumpSink"/>, <see cref="DumpFile"/> or <see cref="DumpBlobReader"/>).</summary>
    /// <param name="reader">The reader.</param>
    /// <returns>The assertions.</returns>
    [Pure]
    public static TaggedDataAssertions Should(this ITaggedDataReader reader) => new(reader);

    /// <summary>Starts assertions on a callback record (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>).</summary>
    /// <param name="record">
    /// The record, or null: the <c>Record</c> of a violation, blob or call is nullable (null in an outcome read back from
    /// JSON), so <c>violation.Record.Should().BeSameAs(mine)</c> compiles without a warning and fails with a message on null.
    /// </param>
    /// <returns>The assertions.</returns>
    [Pure]
    public static RecordAssertions Should(this BugCheckReasonCallbackRecord? record) => new(record);
}
