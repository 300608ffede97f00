using System.Globalization;
using BugCheckCallbacks.Simulation;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>Renders an outcome as titled tables: calls, blobs, body ranges, triage blocks, violations.</summary>
internal static class OutcomeView
{
    private static readonly Style s_red = new(Color.Red);

    /// <param name="console">Where to write.</param>
    /// <param name="outcome">The outcome.</param>
    public static void Render(IAnsiConsole console, BugCheckOutcome outcome)
    {
        console.WriteLine($"*** STOP 0x{outcome.BugCheckCode:X8} (0x{outcome.BugCheckParameter1:X}, 0x{outcome.BugCheckParameter2:X}, 0x{outcome.BugCheckParameter3:X}, 0x{outcome.BugCheckParameter4:X})");
        foreach (var nested in outcome.Violations.Where(v => v.Kind == ViolationKind.NestedBugCheck))
        {
            console.WriteLine($"    nested bug check from {nested.Component}: {nested.Detail}"); // its own code and parameters, never mixed with the first crash's
        }

        if (outcome.DisplayedStopCode != outcome.BugCheckCode)
        {
            console.WriteLine($"    the screen shows the nested stop code, 0x{outcome.DisplayedStopCode:X8}; the dump header keeps 0x{outcome.BugCheckCode:X8}");
        }

        console.WriteLine($"{outcome.DumpType} dump, {outcome.TotalCalls} calls, {outcome.Violations.Count} violations");
        var calls = new CliTable(outcome.Invocations.Count == outcome.TotalCalls ? "Calls" : $"Calls, the first {outcome.Invocations.Count} of {outcome.TotalCalls} (--log all keeps every one)", "#", "Phase", "Reason", "Pass / I/O", "Component", "Call", "Bytes", "Alloc", "State");
        foreach (var call in outcome.Invocations)
        {
            var pass = call.Pass != InvocationPass.None ? call.Pass.ToString() : call.IoType?.ToString() ?? string.Empty;
            calls.Add(
                Cell(call.Sequence), Cell(call.Phase), Cell(call.Reason?.ToString() ?? "Classic"), Cell(pass), Cell(call.Component),
                Cell(call.CallNumber), Cell(call.BytesProduced), Cell(call.Faulted ? "-" : call.AllocatedBytes), // a fault's own exception is not charged
                (call.StateAfter + (call.Faulted ? " (faulted)" : string.Empty), call.Faulted ? s_red : Style.Plain));
        }

        calls.Render(console);
        if (outcome.Blobs.Count > 0)
        {
            var blobs = new CliTable("Secondary-data blobs", "Tag", "Size", "Component", "Reason", "Readable");
            foreach (var blob in outcome.Blobs)
            {
                blobs.Add(Text($"{{{blob.Tag}}}"), Text($"0x{blob.Size:X}"), Text(blob.Component), Cell(blob.Reason), Text(blob.IsReadable ? "yes" : "no (duplicate tag)"));
            }

            blobs.Render(console);
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
    }

    public static (string, Style) Text(string text) => (text, Style.Plain);

    public static (string, Style) Cell(object? value) => (Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty, Style.Plain);
}
