using BugCheckCallbacks.Simulation;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>Renders an outcome as tables: calls, blobs, body, triage, violations.</summary>
internal static class OutcomeView
{
    public static void Render(IAnsiConsole console, BugCheckOutcome outcome)
    {
        console.WriteLine($"*** STOP 0x{outcome.DisplayedStopCode:X8} (0x{outcome.BugCheckParameter1:X}, 0x{outcome.BugCheckParameter2:X}, 0x{outcome.BugCheckParameter3:X}, 0x{outcome.BugCheckParameter4:X})");
        if (outcome.DisplayedStopCode != outcome.BugCheckCode)
        {
            console.WriteLine($"    nested bug check; the original stop code was 0x{outcome.BugCheckCode:X8}");
        }

        console.WriteLine($"{outcome.DumpType} dump, page size {outcome.PageSize}, {outcome.Invocations.Count} calls, {outcome.Violations.Count} violations");
        console.WriteLine();

        var calls = Table("#", "Phase", "Reason", "Pass / I/O", "Component", "Call", "Bytes", "Alloc", "State");
        foreach (var call in outcome.Invocations)
        {
            var pass = call.Pass != InvocationPass.None ? call.Pass.ToString() : call.IoType?.ToString() ?? string.Empty;
            calls.AddRow(
                Cell(call.Sequence), Cell(call.Phase), Cell(call.Reason?.ToString() ?? "Classic"), Cell(pass), Cell(call.Component),
                Cell(call.CallNumber), Cell(call.BytesProduced), Cell(call.Faulted ? "-" : call.AllocatedBytes), // a fault's own exception is not charged
                new Markup(Markup.Escape(call.StateAfter + (call.Faulted ? " (faulted)" : string.Empty)), call.Faulted ? new Style(Color.Red) : Style.Plain));
        }

        console.Write(calls);

        if (outcome.Blobs.Count > 0)
        {
            var blobs = Table("Tag", "Size", "Component", "Reason", "Readable");
            foreach (var blob in outcome.Blobs)
            {
                blobs.AddRow(Cell($"{{{blob.Tag}}}"), Cell($"0x{blob.Size:X}"), Cell(blob.Component), Cell(blob.Reason), Cell(blob.IsReadable ? "yes" : "no (duplicate tag)"));
            }

            console.Write(blobs);
        }

        if (outcome.BodyRanges.Count > 0)
        {
            var body = Table("Space", "Address", "Pages");
            foreach (var range in outcome.BodyRanges)
            {
                body.AddRow(Cell(range.Space), Cell($"0x{range.Address:X16}"), Cell(range.PageCount));
            }

            console.Write(body);
        }

        if (outcome.TriageBlocks.Count > 0)
        {
            var triage = Table("Component", "Address", "Size");
            foreach (var block in outcome.TriageBlocks)
            {
                triage.AddRow(Cell(block.Component), Cell($"0x{block.Address:X16}"), Cell($"0x{block.Size:X}"));
            }

            console.Write(triage);
        }

        if (outcome.Violations.Count > 0)
        {
            var violations = Table("Code", "Kind", "Phase", "Component", "Call", "Detail");
            foreach (var violation in outcome.Violations)
            {
                violations.AddRow(
                    new Markup(Markup.Escape(violation.Code), new Style(Color.Red)), Cell(violation.Kind), Cell(violation.Phase),
                    Cell(violation.Component), Cell(violation.CallNumber), Cell(violation.Detail));
            }

            console.Write(violations);
        }
    }

    public static Table Table(params string[] columns)
    {
        var table = new Table().Border(TableBorder.Rounded);
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)));
        }

        return table;
    }

    public static Text Cell(object? value) => new(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty);
}
