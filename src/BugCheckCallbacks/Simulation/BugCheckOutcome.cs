using System.Globalization;
using System.Text;
using System.Text.Json;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents the report of one simulated bug check: every call in order, the violations, the blobs, the body ranges,
/// the triage blocks and the final state of every record.
/// </summary>
/// <remarks>Serializes to a stable JSON schema (docs/simulation.md) with <see cref="ToJson"/> and back with <see cref="FromJson"/>.</remarks>
public sealed class BugCheckOutcome
{
    /// <summary>The version of the JSON schema <see cref="ToJson"/> writes (docs/simulation.md).</summary>
    public const int CurrentSchemaVersion = 2;

    private readonly IReadOnlyList<InconclusiveVerdict>? _inconclusive; // null in a report older than the list
    private HashSet<ExpectedViolation>? _expected; // ExpectedViolations as a set, made on the first IsExpected
    private readonly IReadOnlyList<SecondaryDataShortfall>? _shortfalls; // null in a report older than the list

    /// <summary>Gets the version of the JSON schema the outcome was written with.</summary>
    /// <value><see cref="CurrentSchemaVersion"/>.</value>
    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    /// <summary>Gets the stop code passed to <c>KeBugCheckEx</c>.</summary>
    public uint BugCheckCode { get => BugCheck.Code; init => BugCheck = BugCheck with { Code = value }; }

    /// <summary>Gets the first bug-check parameter.</summary>
    public ulong BugCheckParameter1 { get => BugCheck.Parameter1; init => BugCheck = BugCheck with { Parameter1 = value }; }

    /// <summary>Gets the second bug-check parameter.</summary>
    public ulong BugCheckParameter2 { get => BugCheck.Parameter2; init => BugCheck = BugCheck with { Parameter2 = value }; }

    /// <summary>Gets the third bug-check parameter.</summary>
    public ulong BugCheckParameter3 { get => BugCheck.Parameter3; init => BugCheck = BugCheck with { Parameter3 = value }; }

    /// <summary>Gets the fourth bug-check parameter.</summary>
    public ulong BugCheckParameter4 { get => BugCheck.Parameter4; init => BugCheck = BugCheck with { Parameter4 = value }; }

    /// <summary>Gets the stop code and its four parameters as one value: the five fields above.</summary>
    [System.Text.Json.Serialization.JsonIgnore] // the five fields above are the document's
    public BugCheckParameters BugCheck { get; init; }

    /// <summary>Gets the stop code shown on screen: the nested one when a callback bug-checked, else <see cref="BugCheckCode"/>.</summary>
    public uint DisplayedStopCode { get; init; }

    /// <summary>Gets the kind of dump written.</summary>
    public DumpType DumpType { get; init; }

    /// <summary>Gets the page size in bytes.</summary>
    public uint PageSize { get; init; }

    /// <summary>Gets the calls the log kept (<see cref="SimulationOptions.Log"/>), in call order.</summary>
    public IReadOnlyList<CallbackInvocation> Invocations { get; init; } = [];

    /// <summary>Gets the number of calls made, logged or not.</summary>
    public long TotalCalls { get; init; }

    /// <summary>Gets every violation, in the order found.</summary>
    public IReadOnlyList<Violation> Violations { get; init; } = [];

    /// <summary>
    /// Gets the checks the verifier could not decide, in the order met: a call whose evidence fits an innocent call as
    /// well as a violation is reported here, never in <see cref="Violations"/> (docs/verifier.md, "Inconclusive verdicts").
    /// </summary>
    /// <value>Empty in a report written before the list existed (it reads as none).</value>
    public IReadOnlyList<InconclusiveVerdict> Inconclusive { get => _inconclusive ?? []; init => _inconclusive = value; }

    /// <summary>Gets the secondary-data blobs, in write order.</summary>
    public IReadOnlyList<SecondaryBlobInfo> Blobs { get; init; } = [];

    /// <summary>
    /// Gets every SecondaryDumpData callback offered less than its sizing answer asked for, and why (the budget ran out, or
    /// an earlier callback over-asked), in call order: data that did not land is never silent.
    /// </summary>
    /// <value>Empty in a report written before the list existed (it reads as none).</value>
    public IReadOnlyList<SecondaryDataShortfall> Shortfalls { get => _shortfalls ?? []; init => _shortfalls = value; }

    /// <summary>Gets the page ranges in the body (AddPages minus RemovePages), in address order.</summary>
    public IReadOnlyList<PageRange> BodyRanges { get; init; } = [];

    /// <summary>Gets the triage blocks carved into the dump.</summary>
    public IReadOnlyList<TriageBlockInfo> TriageBlocks { get; init; } = [];

    /// <summary>Gets the final state of every record in the frozen lists, reason callbacks by reason then classic ones.</summary>
    public IReadOnlyList<RecordOutcome> Records { get; init; } = [];

    /// <summary>Gets where the simulated kernel's structures are in the dump's memory, or null when no dump was written.</summary>
    public KernelLayoutInfo? Kernel { get; init; }

    /// <summary>
    /// Gets the violations the caller declared expected (<c>bugcheck simulate</c>: the scenario's <c>"expect"</c> lists), so
    /// that a reader of the report can tell them from the rest; set with <see cref="WithExpectedViolations"/>.
    /// </summary>
    /// <value><see langword="null"/> when nobody judged the outcome: the simulation itself never sets it.</value>
    public IReadOnlyList<ExpectedViolation>? ExpectedViolations { get; init; }

    /// <summary>Gets the expectations that no violation of the outcome meets.</summary>
    /// <value>Empty when <see cref="ExpectedViolations"/> is null or every expectation was met.</value>
    /// <remarks>Written to the JSON report, for a reader that does not compute it; not read back (it follows from the rest).</remarks>
    public IEnumerable<ExpectedViolation> MissingExpectations
    {
        get
        {
            var seen = Violations.Select(v => new ExpectedViolation(v.Component, v.Code)).ToHashSet(); // one pass each: 100,000 of each is not 10^10
            return (ExpectedViolations ?? []).Where(expected => !seen.Contains(expected));
        }
    }

    /// <summary>Gets whether the caller expected <paramref name="violation"/>.</summary>
    /// <param name="violation">A violation of the outcome.</param>
    /// <returns>Whether one of <see cref="ExpectedViolations"/> matches it; <see langword="null"/> when nobody judged the outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="violation"/> is null.</exception>
    public bool? IsExpected(Violation violation)
    {
        ArgumentNullException.ThrowIfNull(violation);
        if (ExpectedViolations is null)
        {
            return null;
        }

        _expected ??= [.. ExpectedViolations]; // built once: a report of 100,000 violations asks 100,000 times
        return _expected.Contains(new ExpectedViolation(violation.Component, violation.Code));
    }

    /// <summary>Returns a copy of the outcome that records <paramref name="expected"/> as the violations the caller expected.</summary>
    /// <param name="expected">The expectations; an empty list says that none was expected.</param>
    /// <returns>The copy; this outcome is not changed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="expected"/> is null or holds a null item.</exception>
    public BugCheckOutcome WithExpectedViolations(IEnumerable<ExpectedViolation> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ExpectedViolation[] list = [.. expected];
        if (Array.IndexOf(list, null) >= 0)
        {
            throw new ArgumentNullException(nameof(expected), "An expectation in the list is null.");
        }

        return new BugCheckOutcome
        {
            SchemaVersion = SchemaVersion,
            BugCheck = BugCheck,
            DisplayedStopCode = DisplayedStopCode,
            DumpType = DumpType,
            PageSize = PageSize,
            Invocations = Invocations,
            TotalCalls = TotalCalls,
            Violations = Violations,
            Blobs = Blobs,
            Shortfalls = Shortfalls,
            BodyRanges = BodyRanges,
            TriageBlocks = TriageBlocks,
            Records = Records,
            Kernel = Kernel,
            ExpectedViolations = list,
        };
    }

    /// <summary>Serializes the outcome to indented JSON (source-generated, trimming- and AOT-safe).</summary>
    /// <returns>The JSON text.</returns>
    public string ToJson() => ReadableJson.Serialize(this, OutcomeJsonContext.Default.BugCheckOutcome);

    /// <summary>Writes the outcome as UTF-8 JSON to <paramref name="utf8Json"/>, as <see cref="ToJson"/> does, without building the text in memory first.</summary>
    /// <param name="utf8Json">A writable stream; it is left open.</param>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is null.</exception>
    public void WriteJson(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        ReadableJson.Serialize(utf8Json, this, OutcomeJsonContext.Default.BugCheckOutcome);
    }

    /// <summary>Reads an outcome from the JSON that <see cref="ToJson"/> writes.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="json"/> is null.</exception>
    /// <exception cref="JsonException">The text is not a valid outcome: not JSON, a missing member, or a null list, item or string or an undefined enum value where the schema has none (the message names the JSON path).</exception>
    public static BugCheckOutcome FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return OutcomeValidator.Checked(JsonSerializer.Deserialize(json, OutcomeJsonContext.Default.BugCheckOutcome)
            ?? throw new JsonException("The JSON is null, not an outcome."));
    }

    /// <summary>Reads an outcome from UTF-8 JSON as <see cref="WriteJson"/> writes it, without building the text in memory first.</summary>
    /// <param name="utf8Json">A readable stream, read to its end; it is left open.</param>
    /// <returns>The outcome.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="utf8Json"/> is null.</exception>
    /// <exception cref="JsonException">The stream does not hold a valid outcome, as <see cref="FromJson"/> says it.</exception>
    public static BugCheckOutcome ReadJson(Stream utf8Json)
    {
        ArgumentNullException.ThrowIfNull(utf8Json);
        return OutcomeValidator.Checked(JsonSerializer.Deserialize(utf8Json, OutcomeJsonContext.Default.BugCheckOutcome)
            ?? throw new JsonException("The JSON is null, not an outcome."));
    }

    /// <summary>Formats the outcome as plain text: the bug check, the calls, the blobs and the violations.</summary>
    /// <returns>The text, one item a line.</returns>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("*** ").Append(BugCheck.ToString()).AppendLine();
        foreach (var nested in Violations.Where(v => v.Kind == ViolationKind.NestedBugCheck))
        {
            text.AppendLine(c, $"    (nested bug check from {nested.Component}: {nested.Detail})");
        }

        text.AppendLine(c, $"Dump type {DumpType}, page size {PageSize}, {TotalCalls} calls ({Invocations.Count} logged), {Violations.Count} violations");
        text.AppendLine("Calls:");
        foreach (var call in Invocations)
        {
            var what = call.Reason?.ToString() ?? "Classic";
            var pass = call.Pass != InvocationPass.None ? $" {call.Pass}" : call.IoType is { } io ? $" {io}" : string.Empty;
            text.AppendLine(c, $"  {call.Sequence,5} {call.Phase,-22} {what}{pass} {call.Component} #{call.RecordIndex} call {call.CallNumber}: {call.BytesProduced} bytes, {call.Duration.TotalMilliseconds:F3} ms, {call.StateAfter}{(call.Faulted ? " (faulted)" : string.Empty)}");
        }

        text.AppendLine(c, $"Blobs ({Blobs.Count}):");
        foreach (var blob in Blobs)
        {
            text.AppendLine(c, $"  {{{blob.Tag}}} - 0x{blob.Size:X} bytes ({blob.Component}){(blob.IsReadable ? string.Empty : " unreadable: duplicate tag")}");
        }

        if (Shortfalls.Count > 0)
        {
            text.AppendLine(c, $"Offered less than asked ({Shortfalls.Count}):");
            foreach (var shortfall in Shortfalls)
            {
                text.AppendLine(c, $"  {shortfall.Component}: asked 0x{shortfall.Asked:X}, offered 0x{shortfall.Offered:X}. {shortfall.Why}");
            }
        }

        text.AppendLine(c, $"Body ranges ({BodyRanges.Count}):");
        foreach (var range in BodyRanges)
        {
            text.AppendLine(c, $"  {range.Space} 0x{range.Address:X16} {range.PageCount} pages");
        }

        text.AppendLine(c, $"Triage blocks ({TriageBlocks.Count}):");
        foreach (var block in TriageBlocks)
        {
            text.AppendLine(c, $"  0x{block.Address:X16} 0x{block.Size:X} bytes ({block.Component})");
        }

        text.AppendLine(c, $"Violations ({Violations.Count}):");
        foreach (var violation in Violations)
        {
            text.AppendLine(c, $"  {violation}");
        }

        return text.ToString();
    }
}
