using System.Globalization;
using System.Reflection;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Simulation;
using static System.FormattableString;

namespace BugCheckCallbacks.Cli.Report;

/// <summary>
/// <c>bugcheck report</c>'s page: one self-contained HTML file (inline CSS and SVG, a few lines of inline script for hover
/// details and filtering, nothing fetched) with the summary, the timeline, the file map, the verdicts, the tags with a data
/// preview, the callback lists and the modules. From a dump alone it shows what the dump holds; the outcome report adds
/// the calls and the verdicts.
/// </summary>
internal static class HtmlReport
{
    private const int MaxRows = 1_000;
    private const int PreviewBytes = 16;

    public static void Write(TextWriter output, string dumpPath, DumpSource source, BugCheckOutcome? outcome)
    {
        var dump = source.Dump!;
        var html = new HtmlWriter(output);
        var analysis = CrashAnalysis.Of(dump);
        var tags = source.Tags.ToList();
        var title = $"Bug check {analysis.StopCode}{(analysis.Name is null ? string.Empty : $" {analysis.Name}")}";
        html.Raw("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">")
            .Raw("<title>").Text($"{title} — {Path.GetFileName(dumpPath)}").Raw("</title><style>").Raw(Asset("report.css")).Raw("</style></head><body>\n");
        html.Raw("<header><h1>").Text(title).Raw("</h1><p>").Text(Invariant($"{Path.GetFileName(dumpPath)}: {DumpTypeText(dump)}, {dump.Length:N0} bytes{(dump.Header.SystemTimeUtc is { } time ? $", written {time:u}" : string.Empty)}")).Raw("</p>");
        Verdicts(html, outcome);
        html.Raw("</header>\n<nav aria-label=\"Sections\"><p>")
            .Raw("<a href=\"#summary\">Summary</a> · <a href=\"#timeline\">Timeline</a> · <a href=\"#filemap\">File map</a> · <a href=\"#violations\">Violations</a> · ")
            .Raw("<a href=\"#tags\">Tags</a> · <a href=\"#callbacks\">Callback lists</a> · <a href=\"#modules\">Modules</a></p></nav>\n<main>\n");

        html.Raw("<section id=\"summary\" aria-labelledby=\"h-summary\"><h2 id=\"h-summary\">Summary</h2>");
        Summary(html, dump, analysis, outcome);
        html.Raw("</section>\n<section id=\"timeline\" aria-labelledby=\"h-timeline\"><h2 id=\"h-timeline\">Timeline</h2>");
        if (outcome is null)
        {
            html.Raw("<p class=\"note\">").Text($"No outcome report beside the dump ({OutcomeReport.PathFor(dumpPath)}): a dump does not record the calls its callbacks were given, so there is no timeline. 'bugcheck simulate' writes the report beside the dumps it writes.").Raw("</p>");
        }
        else
        {
            TimelineFigure.Write(html, outcome);
        }

        html.Raw("</section>\n<section id=\"filemap\" aria-labelledby=\"h-filemap\"><h2 id=\"h-filemap\">File map</h2>");
        FileMapFigure.Write(html, dump, tags, outcome);
        html.Raw("</section>\n<section id=\"violations\" aria-labelledby=\"h-violations\"><h2 id=\"h-violations\">Violations</h2>");
        Violations(html, outcome);
        html.Raw("</section>\n<section id=\"tags\" aria-labelledby=\"h-tags\"><h2 id=\"h-tags\">Secondary-data tags</h2>");
        Tags(html, source, tags);
        html.Raw("</section>\n<section id=\"callbacks\" aria-labelledby=\"h-callbacks\"><h2 id=\"h-callbacks\">Callback lists</h2>");
        var walker = new KernelWalker(dump); // one walker for both sections: the lists and the modules share what it reads
        Section(html, () => CallbackLists(html, walker.ReadCallbackLists()));
        html.Raw("</section>\n<section id=\"modules\" aria-labelledby=\"h-modules\"><h2 id=\"h-modules\">Loaded modules</h2>");
        Section(html, () => Modules(html, walker.ReadModules()));
        html.Raw("</section>\n</main>\n<footer><p class=\"note\">").Text($"Written by bugcheck {Version()} from {Path.GetFileName(dumpPath)}; a self-contained page, nothing is fetched.").Raw("</p></footer>\n");
        html.Raw("<script>").Raw(Asset("report.js")).Raw("</script>\n</body></html>\n");
    }

    private static void Verdicts(HtmlWriter html, BugCheckOutcome? outcome)
    {
        html.Raw("<p>");
        if (outcome is null)
        {
            html.Element("span", "no outcome report: calls and verdicts not known", "verdict unknown");
        }
        else
        {
            var unexpected = outcome.Violations.Count(v => outcome.IsExpected(v) == false);
            var unjudged = outcome.Violations.Count(v => outcome.IsExpected(v) is null);
            var missing = outcome.MissingExpectations.Count();
            var faults = outcome.Invocations.Count(c => c.Faulted);
            // Violations are never good news: green only for none, amber when every one was expected, red otherwise.
            html.Element("span", Plural(outcome.Violations.Count, "violation"), outcome.Violations.Count == 0 ? "verdict good" : unexpected + unjudged == 0 ? "verdict warn" : "verdict bad");
            if (outcome.ExpectedViolations is null)
            {
                html.Element("span", "nobody said which violations to expect", "verdict unknown");
            }
            else if (unexpected + missing == 0)
            {
                html.Element("span", outcome.Violations.Count == 0 ? "as expected: none" : Invariant($"as expected: {(outcome.Violations.Count == 1 ? "it was" : $"all {outcome.Violations.Count} were")} expected"), "verdict good");
            }
            else
            {
                var parts = new List<string>();
                if (unexpected > 0)
                {
                    parts.Add(Invariant($"{unexpected} not expected"));
                }

                if (missing > 0)
                {
                    parts.Add(Invariant($"{Plural(missing, "expected violation")} not seen"));
                }

                html.Element("span", string.Join(", ", parts), "verdict bad");
            }

            html.Element("span", Invariant($"{outcome.TotalCalls:N0} calls, {Plural(faults, "faulted call")}"), "verdict");
        }

        html.Raw("</p>");
    }

    private static void Summary(HtmlWriter html, DumpFile dump, CrashAnalysis analysis, BugCheckOutcome? outcome)
    {
        html.Table(
            "Stop code parameters",
            ["Parameter", "Value", "Meaning", "Points into"],
            analysis.Parameters.Select(p => (IReadOnlyList<string>)[Invariant($"Arg{p.Number}"), p.Value, p.Meaning ?? string.Empty, p.Symbol ?? string.Empty]),
            isNumber: i => i == 1);
        html.Raw("<p>").Text(analysis.FaultingModule is null ? "Faulting module: none of the parameters is inside a loaded module." : $"Faulting module: {analysis.FaultingModule}").Raw("</p>");
        var e = analysis.Exception;
        html.Raw("<p>").Text($"Exception: code {e.Code} at {e.Address}{(e.Symbol is null ? string.Empty : $" ({e.Symbol})")}").Raw("</p>");
        if (outcome is not null && outcome.DisplayedStopCode != outcome.BugCheckCode)
        {
            html.Raw("<p>").Text($"A nested bug check: the first stop code was 0x{outcome.BugCheckCode:X8}; the screen showed 0x{outcome.DisplayedStopCode:X8}.").Raw("</p>");
        }

        var h = dump.Header;
        html.Table(
            "The dump",
            ["Field", "Value"],
            new string[][]
            {
                ["DumpType", DumpTypeText(dump)],
                ["Version", Invariant($"{h.MajorVersion:X}.{h.MinorVersion}")],
                ["NumberProcessors", Invariant($"{h.NumberProcessors}")],
                ["DirectoryTableBase", Invariant($"0x{h.DirectoryTableBase:X}")],
                ["KdDebuggerDataBlock", Invariant($"0x{h.KdDebuggerDataBlock:X}")],
                ["SystemTime", h.SystemTimeUtc?.ToString("u", CultureInfo.InvariantCulture) ?? Invariant($"0x{h.SystemTime:X} (not a valid FILETIME)")],
                ["Comment", h.Comment],
                ["Stored pages", Invariant($"0x{dump.StoredPageCount:X} ({dump.StoredPageCount:N0}), file offsets 0x{dump.BodyStart:X}–0x{dump.BodyEnd:X}")],
                ["Secondary data", dump.HasSecondaryData ? Invariant($"DumpBlob region at 0x{dump.SecondaryDataOffset:X}") : "none"],
                ["File length", Invariant($"0x{dump.Length:X} ({dump.Length:N0} bytes)")],
            });
    }

    private static void Violations(HtmlWriter html, BugCheckOutcome? outcome)
    {
        if (outcome is null)
        {
            html.Raw("<p class=\"note\">Not known: the verifier's findings are in the outcome report, and there is none beside this dump.</p>");
            return;
        }

        if (outcome.Violations.Count == 0)
        {
            html.Raw("<p>No violations.</p>");
        }
        else
        {
            html.Table(
                "Violations",
                ["Code", "Expected", "Kind", "Phase", "Component", "Record", "Call", "Detail"],
                outcome.Violations.Select(v => (IReadOnlyList<string>)
                [
                    v.Code, outcome.IsExpected(v) switch { true => "yes", false => "NO", null => "-" }, v.Kind.ToString(), v.Phase.ToString(), v.Component,
                    Invariant($"{v.RecordIndex}"), Invariant($"{v.CallNumber}"), v.Detail,
                ]),
                MaxRows,
                rowAttributes: r => $"data-row=\"{HtmlWriter.Escape(r[4])}\" data-flagged=\"1\"");
        }

        foreach (var missing in outcome.MissingExpectations)
        {
            html.Raw("<p class=\"verdict bad\">").Text($"Expected but not seen: {missing.Code} from {missing.Component}").Raw("</p>");
        }
    }

    private static void Tags(HtmlWriter html, DumpSource source, List<DumpTag> tags)
    {
        if (source.Blobs is null)
        {
            html.Raw("<p>No secondary data: no DumpBlob header follows the body.</p>");
            return;
        }

        var buffer = new byte[PreviewBytes];
        html.Table(
            Invariant($"{tags.Count} tag(s), in region order"),
            ["#", "Tag", "Name", "Component", "Size", "Offset", "Data (first 16 bytes)", "Text"],
            tags.Take(MaxRows).Select((tag, i) => // only the rows shown read their preview: a million tags are not a million reads
            {
                var (hex, text) = Preview(source.Blobs, tag, buffer);
                return (IReadOnlyList<string>)[Invariant($"{i + 1}"), $"{{{tag.Tag}}}", tag.FriendlyName ?? string.Empty, tag.Component ?? string.Empty, Invariant($"0x{tag.Size:X}"), Invariant($"0x{tag.Offset:X}"), hex, text];
            }),
            isNumber: i => i is 0 or 4 or 5 or 6,
            rowAttributes: r => $"data-row=\"{HtmlWriter.Escape(r[3])}\"");
        if (tags.Count > MaxRows)
        {
            html.Raw("<p class=\"note\">").Text(Invariant($"… and {tags.Count - MaxRows:N0} more (the first {MaxRows:N0} are shown; 'bugcheck enumtag --json' lists every one).")).Raw("</p>");
        }
    }

    /// <summary>The first bytes of a blob, in hex and as text (printable ASCII, a dot for the rest), as the debugger's <c>db</c> shows them.</summary>
    private static (string Hex, string Text) Preview(DumpBlobReader blobs, DumpTag tag, byte[] buffer)
    {
        using var stream = blobs.OpenBlock(tag);
        var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return DumpSource.PreviewParts(buffer.AsSpan(0, read));
    }

    private static void CallbackLists(HtmlWriter html, CallbackScan scan)
    {
        foreach (var list in scan.Lists)
        {
            html.Raw("<h3>").Text(Invariant($"{list.Kind} list, head 0x{list.Head:X16} ({list.Source}): {list.Records.Count} record(s)")).Raw("</h3>");
            Records(html, $"{list.Kind} list", list.Records);
            Findings(html, list.Findings.Concat(list.Records.SelectMany(r => r.Findings)));
        }

        if (scan.Unlinked.Count > 0)
        {
            html.Raw("<h3>Records on no list (carved)</h3>");
            Records(html, "Records on no list", scan.Unlinked);
            Findings(html, scan.Unlinked.SelectMany(r => r.Findings));
        }

        foreach (var note in scan.Notes)
        {
            html.Element("p", note, "note");
        }

        if (scan.Lists.Count == 0 && scan.Unlinked.Count == 0)
        {
            html.Raw("<p>No bug-check callback list was found in the dump.</p>");
        }
    }

    private static void Records(HtmlWriter html, string caption, IReadOnlyList<CallbackRecordInfo> records) => html.Table(
        caption,
        ["Record", "Reason", "Routine", "Component", "State", "Buffer", "Length", "Checksum"],
        records.Select(r => (IReadOnlyList<string>)
        [
            Invariant($"0x{r.Address:X16}"), r.ReasonName.Replace("KbCallback", string.Empty, StringComparison.Ordinal), r.RoutineSymbol, r.Component ?? "(unreadable)",
            r.StateName, Invariant($"0x{r.Buffer:X}"), Invariant($"0x{r.Length:X}"), r.ChecksumValid ? "ok" : "MISMATCH",
        ]),
        MaxRows,
        rowAttributes: r => $"data-row=\"{HtmlWriter.Escape(r[3])}\"");

    private static void Findings(HtmlWriter html, IEnumerable<IntegrityFinding> findings)
    {
        foreach (var finding in findings.Take(MaxRows))
        {
            html.Raw("<p class=\"verdict bad\">").Text(Invariant($"{finding.Kind} at 0x{finding.Address:X16}: {finding.Detail}")).Raw("</p>");
        }
    }

    private static void Modules(HtmlWriter html, ModuleList modules)
    {
        html.Raw("<p class=\"note\">").Text(Invariant($"{modules.Modules.Count:N0} module(s) on the list at 0x{modules.Head:X16} ({modules.Tried}).")).Raw("</p>");
        html.Table(
            "Loaded modules",
            ["Name", "Base", "End", "Size", "Path"],
            modules.Modules.Select(m => (IReadOnlyList<string>)[m.Name, Invariant($"0x{m.Base:X16}"), Invariant($"0x{m.End:X16}"), Invariant($"0x{m.Size:X}"), m.FullName]),
            MaxRows,
            isNumber: i => i is 1 or 2 or 3);
        Findings(html, modules.Findings);
    }

    /// <summary>A section the walker fills: a dump that does not hold what it looks for says so in the section, not as a failed report.</summary>
    private static void Section(HtmlWriter html, Action write)
    {
        try
        {
            write();
        }
        catch (InvalidDumpException exception)
        {
            html.Raw("<p class=\"verdict bad\">").Text($"Could not be read: {exception.Message}").Raw("</p>");
        }
    }

    private static string DumpTypeText(DumpFile dump) => Invariant($"DumpType {dump.Header.DumpType}, {DumpFile.DescribeDumpType(dump.Header.DumpType)} ({dump.Layout})");

    private static string Plural(long count, string noun) => Invariant($"{count:N0} {noun}{(count == 1 ? string.Empty : "s")}");

    private static string Version() =>
        typeof(HtmlReport).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "?";

    private static string Asset(string name)
    {
        using var stream = typeof(HtmlReport).Assembly.GetManifestResourceStream($"BugCheckCallbacks.Cli.Report.{name}")
            ?? throw new InvalidOperationException($"The report's {name} is not embedded in the bugcheck assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
