using System.Globalization;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Simulation;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Output;

/// <summary>Renders an outcome as titled tables: calls, blobs, body ranges, triage blocks, violations.</summary>
internal static class OutcomeView
{
    private static readonly Style s_red = new(Color.Red);

    /// <param name="console">Where to write.</param>
    /// <param name="outcome">The outcome.</param>
    public static void Render(IAnsiConsole console, BugCheckOutcome outcome)
    {
        console.WriteLine($"*** {outcome.BugCheck}");
        foreach (var nested in outcome.Violations.Where(v => v.Kind == ViolationKind.NestedBugCheck))
        {
            console.WriteLine($"    nested bug check from {nested.Component}: {nested.Detail}"); // its own code and parameters, never mixed with the first crash's
        }

        if (outcome.DisplayedStopCode != outcome.BugCheckCode)
        {
            console.WriteLine($"    the screen shows the nested stop code, 0x{outcome.DisplayedStopCode:X8}; the dump header keeps 0x{outcome.BugCheckCode:X8}");
        }

        var undecided = outcome.Inconclusive.Count > 0 ? $", {Plural.Count(outcome.Inconclusive.Count, "inconclusive verdict")}" : string.Empty;
        console.WriteLine($"{outcome.DumpType} dump, {Plural.Count(outcome.TotalCalls, "call")}, {Plural.Count(outcome.Violations.Count, "violation")}{undecided}");
        var title = outcome.Invocations.Count == outcome.TotalCalls ? "Calls" : $"Calls, the first {outcome.Invocations.Count:N0} of {outcome.TotalCalls:N0} (--log all keeps every one)";
        var narrow = new CliTable(title, "#", "Step", "Component", "Call", "Bytes", "State"); // what fits 80 columns
        var calls = new CliTable(title, "#", "Phase", "Reason", "Pass / I/O", "Component", "Call", "Bytes", "Alloc", "State") { Narrow = narrow };
        foreach (var call in outcome.Invocations)
        {
            var pass = CallNames.PassName(call);
            var style = call.Faulted ? s_red : Style.Plain;
            calls.Add(
                Cell(call.Sequence), Cell(call.Phase), Cell(call.Reason?.ToString() ?? "Classic"), Cell(pass), Cell(call.Component),
                Cell(call.CallNumber), Cell(call.BytesProduced), Cell(call.Faulted ? "-" : call.AllocatedBytes), // a fault's own exception is not charged
                (call.StateAfter + (call.Faulted ? " (faulted)" : string.Empty), style));
            narrow.Add(
                Cell(call.Sequence), Text(Step(call)), Text(call.Component), Cell(call.CallNumber), Cell(call.BytesProduced),
                (call.StateAfter.ToString().Replace("Buffer", string.Empty, StringComparison.Ordinal) + (call.Faulted ? " FAULT" : string.Empty), style));
        }

        if (outcome.Invocations.Count == 0 && outcome.TotalCalls > 0)
        {
            console.WriteLine($"Calls: {Plural.Count(outcome.TotalCalls, "call")} made, none logged (--log none keeps the records' summaries and the violations; --log all keeps every call).");
        }
        else
        {
            calls.Render(console);
        }
        if (outcome.Blobs.Count > 0)
        {
            var blobs = new CliTable("Secondary-data blobs", "Tag", "Size", "Component", "Reason", "Readable");
            var positions = BlockRuns.Positions(outcome.Blobs, (a, b) => a.Tag == b.Tag && a.Reason == b.Reason);
            for (var i = 0; i < outcome.Blobs.Count; i++)
            {
                var blob = outcome.Blobs[i];
                blobs.Add(Text(DumpSource.Braced(blob.Tag)), Text($"0x{blob.Size:X}"), Text(blob.Component), Cell(blob.Reason), Text(Readability(blob, positions[i])));
            }

            blobs.Render(console);
        }

        if (outcome.Shortfalls.Count > 0)
        {
            // Data that did not land is never silent: each callback offered less than it asked, and why.
            var shortfalls = new CliTable("Offered less than asked", "Component", "Asked", "Offered", "Why");
            foreach (var shortfall in outcome.Shortfalls)
            {
                shortfalls.Add(Text(shortfall.Component), Text($"0x{shortfall.Asked:X}"), Text($"0x{shortfall.Offered:X}"), Text(shortfall.Why));
            }

            shortfalls.Render(console);
        }

        if (outcome.BodyRanges.Count > 0)
        {
            var body = new CliTable("Pages added, less those removed", "Space", "Address", "Pages");
            foreach (var range in outcome.BodyRanges)
            {
                body.Add(Cell(range.Space), Text($"0x{range.Address:X16}"), Cell(range.PageCount));
            }

            body.Render(console);
        }

        if (outcome.TriageBlocks.Count > 0)
        {
            var triage = new CliTable("Triage blocks", "Component", "Address", "Size");
            foreach (var block in outcome.TriageBlocks)
            {
                triage.Add(Text(block.Component), Text($"0x{block.Address:X16}"), Text($"0x{block.Size:X}"));
            }

            triage.Render(console);
        }

        if (outcome.Violations.Count > 0)
        {
            var violations = new CliTable("Violations", "Code", "Expected", "Kind", "Phase", "Component", "Call", "Detail");
            foreach (var violation in outcome.Violations)
            {
                var expected = outcome.IsExpected(violation); // null: nobody said what to expect (a report of another tool's run)
                var style = expected == true ? Style.Plain : s_red;
                violations.Add(
                    (violation.Code, style), (expected switch { true => "yes", false => "NO", null => "-" }, style), Cell(violation.Kind), Cell(violation.Phase),
                    Text(violation.Component), Cell(violation.CallNumber), Text(violation.Detail));
            }

            violations.Render(console);
        }

        if (outcome.Inconclusive.Count > 0)
        {
            // Not violations, and not silence either: the verifier says what it could not decide, and why.
            var inconclusive = new CliTable("Inconclusive (not violations)", "Code", "Kind", "Phase", "Component", "Call", "Why");
            foreach (var verdict in outcome.Inconclusive)
            {
                inconclusive.Add(Text(verdict.Code), Cell(verdict.Kind), Cell(verdict.Phase), Text(verdict.Component), Cell(verdict.CallNumber), Text(verdict.Detail));
            }

            inconclusive.Render(console);
        }
    }

    /// <summary>
    /// Whether the debugger reads a blob: a multi-part callback's parts share one tag and are all read in order ("part 2 of
    /// 3", which extract --part reads); another blob with a tag already used is a duplicate that .enumtag shadows.
    /// </summary>
    private static string Readability(SecondaryBlobInfo blob, (int Part, int Of) position) =>
        blob.Reason != BugCheckCallbackReason.SecondaryMultiPartDumpData ? (blob.IsReadable ? "yes" : "no (duplicate tag)")
        : position.Of == 1 ? "yes"
        : $"yes, part {position.Part} of {position.Of}";

    /// <summary>The phase, short, with the reason when it is not the phase's own (hal.dll's Reserved1 at entry, DumpIo in the header) and the pass.</summary>
    private static string Step(CallbackInvocation call)
    {
        var (phase, own) = call.Phase switch
        {
            BugCheckPhase.TriageDumpData => ("Triage", BugCheckCallbackReason.TriageDumpData),
            BugCheckPhase.SecondaryDataSizing => ("SecData", BugCheckCallbackReason.SecondaryDumpData),
            BugCheckPhase.SecondaryData => ("SecData", BugCheckCallbackReason.SecondaryDumpData),
            BugCheckPhase.SecondaryMultiPartData => ("MultiPart", BugCheckCallbackReason.SecondaryMultiPartDumpData),
            BugCheckPhase.DumpHeader => ("Header", BugCheckCallbackReason.DumpIo),
            BugCheckPhase.DumpBody => ("Body", BugCheckCallbackReason.DumpIo),
            BugCheckPhase.DumpComplete => ("Complete", BugCheckCallbackReason.DumpIo),
            BugCheckPhase.AddPages => ("AddPages", BugCheckCallbackReason.AddPages),
            BugCheckPhase.RemovePages => ("RemovePages", BugCheckCallbackReason.RemovePages),
            _ => (call.Phase.ToString(), (BugCheckCallbackReason?)null),
        };
        var reason = call.Reason is { } r && r != own ? $" {r}" : call.Reason is null && call.Phase != BugCheckPhase.Classic ? " Classic" : string.Empty;
        var pass = call.Pass != InvocationPass.None ? $" {call.Pass.ToString().ToLowerInvariant()}" : string.Empty;
        return phase + reason + pass;
    }

    /// <summary>A call's pass (SecondaryDumpData's sizing or data pass) or DumpIo's write type; empty for the other reasons.</summary>
    public static (string, Style) Text(string text) => (text, Style.Plain);

    public static (string, Style) Cell(object? value) => (Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, Style.Plain);
}
