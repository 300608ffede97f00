using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Simulation;
using static System.FormattableString;

namespace BugCheckCallbacks.Cli.Report;

/// <summary>
/// The bug check as a sequence: the phases as bands in call order, each callback a row, each call a mark; faults and
/// violations differ in colour and in shape (triangle, cross, diamond, square), so the figure reads in grey too. Past
/// <see cref="MaxDetailedCalls"/> calls or <see cref="MaxDetailedRows"/> callbacks it shows one row per component and
/// one cell per phase instead, so the page stays small at any size.
/// </summary>
internal static class TimelineFigure
{
    public const int MaxDetailedCalls = 2_000;
    public const int MaxDetailedRows = 300;
    private const int LabelWidth = 380; // "ndis.sys · SecondaryMultiPartDumpData #1" whole, at 12 px
    private const int PageWidth = 1230; // the page's content width (report.css: 80rem less its padding): the timeline fills it
    private const int LabelLength = 58;
    private const int RowHeight = 18;
    private const int Top = 36;
    private const int DetailedTop = 112; // room for the phase names, set at an angle above narrow bands

    public static void Write(HtmlWriter html, BugCheckOutcome outcome)
    {
        var calls = outcome.Invocations.OrderBy(c => c.Sequence).ToArray();
        var rows = new Dictionary<RowKey, int>();
        foreach (var call in calls)
        {
            rows.TryAdd(RowKey.Of(call), rows.Count);
        }

        foreach (var violation in outcome.Violations)
        {
            rows.TryAdd(RowKey.Of(violation), rows.Count);
        }

        html.Raw("<p>").Text(outcome.Invocations.Count == outcome.TotalCalls
            ? Invariant($"{outcome.TotalCalls:N0} calls of {rows.Count:N0} callbacks, in the order the kernel made them.")
            : Invariant($"The first {outcome.Invocations.Count:N0} of {outcome.TotalCalls:N0} calls (the outcome's log keeps no more; simulate --log all keeps every one), {rows.Count:N0} callbacks.")).Raw("</p>");
        Legend(html);
        html.Raw("<div class=\"controls\"><label>Filter by component <input id=\"filter\" type=\"search\" autocomplete=\"off\"></label>")
            .Raw("<label><input id=\"flagged\" type=\"checkbox\"> only callbacks with a fault or a violation</label></div>")
            .Raw("<output id=\"detail\" aria-live=\"polite\">Point at a mark for its details.</output>");
        if (calls.Length > MaxDetailedCalls || rows.Count > MaxDetailedRows || outcome.Violations.Count > MaxDetailedCalls)
        {
            WriteAggregated(html, outcome, calls);
        }
        else
        {
            WriteDetailed(html, outcome, calls, rows);
        }
    }

    private static void Legend(HtmlWriter html) => html.Raw("<ul class=\"legend\" aria-label=\"Legend\">")
        .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><circle class=\"call\" cx=\"7\" cy=\"7\" r=\"4\"/></svg> a call</li>")
        .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><path class=\"fault\" d=\"M7,1 L13,12 L1,12 Z\"/></svg> a call that faulted</li>")
        .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><path class=\"violation\" d=\"M2,2 L12,12 M12,2 L2,12\"/></svg> a violation the scenario did not expect</li>")
        .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><path class=\"violation expected\" d=\"M7,1 L13,7 L7,13 L1,7 Z\"/></svg> a violation the scenario expected</li>")
        .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"violation unjudged\" x=\"2\" y=\"2\" width=\"10\" height=\"10\"/></svg> a violation nobody said to expect (no scenario judged it)</li>")
        .Raw("</ul>");

    private static void WriteDetailed(HtmlWriter html, BugCheckOutcome outcome, CallbackInvocation[] calls, Dictionary<RowKey, int> rows)
    {
        var step = Math.Clamp((PageWidth - LabelWidth - 120.0) / Math.Max(1, calls.Length), 7, 96);
        var width = LabelWidth + (calls.Length * step) + 120;
        var height = DetailedTop + (rows.Count * RowHeight) + 8;
        double X(int index) => LabelWidth + ((index + 0.5) * step);
        double Y(int row) => DetailedTop + (row * RowHeight) + (RowHeight / 2.0);

        var callAt = new Dictionary<(BugCheckPhase, string, int, int), int>();
        for (var i = 0; i < calls.Length; i++)
        {
            callAt.TryAdd((calls[i].Phase, RowKey.ReasonName(calls[i].Reason), calls[i].RecordIndex, calls[i].CallNumber), i);
        }

        var bands = Bands(calls);
        var flagged = new HashSet<int>(calls.Where(c => c.Faulted).Select(c => rows[RowKey.Of(c)]).Concat(outcome.Violations.Select(v => rows[RowKey.Of(v)])));
        html.Raw("<figure><div class=\"scroll\">")
            .Raw(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width:0}\" height=\"{height}\" role=\"img\" aria-labelledby=\"timeline-title\">"))
            .Raw("<title id=\"timeline-title\">").Text(Invariant($"Timeline: {calls.Length} calls of {rows.Count} callbacks over {bands.Count} phase bands, {outcome.Violations.Count} violations")).Raw("</title>");
        for (var b = 0; b < bands.Count; b++)
        {
            var (phase, first, last) = bands[b];
            var x = LabelWidth + (first * step);
            var w = (last - first + 1) * step;
            html.Raw(Invariant($"<rect class=\"band-{b % 2} mark\" x=\"{x:0.#}\" y=\"0\" width=\"{w:0.#}\" height=\"{height}\">"))
                .Raw("<title>").Text(Invariant($"{phase}: calls {calls[first].Sequence}–{calls[last].Sequence} ({last - first + 1} calls)")).Raw("</title></rect>");
        }

        foreach (var (phase, first, last) in bands) // after every band, so no band covers a label
        {
            var (lx, ly) = (LabelWidth + ((first + ((last - first + 1) / 2.0)) * step), DetailedTop - 6);
            html.Raw(Invariant($"<text class=\"phase-label\" x=\"{lx:0.#}\" y=\"{ly}\" transform=\"rotate(-35 {lx:0.#} {ly})\">")).Text(phase.ToString()).Raw("</text>");
        }

        foreach (var (key, row) in rows)
        {
            var y = Y(row);
            html.Raw(Invariant($"<g data-row=\"{HtmlWriter.Escape(key.Component)}\" data-flagged=\"{(flagged.Contains(row) ? 1 : 0)}\">"))
                .Raw(Invariant($"<line x1=\"{LabelWidth}\" x2=\"{width - 10:0}\" y1=\"{y:0.#}\" y2=\"{y:0.#}\" stroke=\"#d0d7de\"/>"))
                .Raw(Invariant($"<text class=\"label\" x=\"4\" y=\"{y + 4:0.#}\">")).Text(Shorten(key.Label, LabelLength)).Raw("<title>").Text(key.Label).Raw("</title></text>");
            for (var i = 0; i < calls.Length; i++)
            {
                if (RowKey.Of(calls[i]) == key)
                {
                    CallMark(html, calls[i], X(i), y);
                }
            }

            foreach (var violation in outcome.Violations.Where(v => RowKey.Of(v) == key))
            {
                var x = callAt.TryGetValue((violation.Phase, RowKey.ReasonName(violation.Reason), violation.RecordIndex, violation.CallNumber), out var index) ? X(index)
                    : bands.FirstOrDefault(b => b.Phase == violation.Phase) is { Last: > 0 } band ? X(band.First) : LabelWidth + 4; // not a call of the log: its phase's start
                ViolationMark(html, outcome, violation, x, y);
            }

            html.Raw("</g>");
        }

        html.Raw("</svg></div><figcaption>Each row is one callback (component, reason, its place in the dispatch order); time runs left to right, one step per call. The table below lists the same calls.</figcaption></figure>");
        html.Raw("<details><summary>The calls as a table</summary>");
        html.Table(
            "Calls",
            ["#", "Phase", "Reason", "Pass / I/O", "Component", "Call", "Bytes", "Allocated", "State", "ms"],
            calls.Select(c => (IReadOnlyList<string>)
            [
                Invariant($"{c.Sequence}"), c.Phase.ToString(), RowKey.ReasonName(c.Reason), CallNames.PassName(c), c.Component, Invariant($"{c.CallNumber}"),
                Invariant($"{c.BytesProduced:N0}"), c.Faulted ? "-" : Invariant($"{c.AllocatedBytes:N0}"), c.StateAfter + (c.Faulted ? " (faulted)" : string.Empty),
                Invariant($"{c.Duration.TotalMilliseconds:0.000}"),
            ]),
            isNumber: i => i is 0 or 5 or 6 or 7 or 9,
            rowAttributes: r => $"data-row=\"{HtmlWriter.Escape(r[4])}\"");
        html.Raw("</details>");
    }

    private static void WriteAggregated(HtmlWriter html, BugCheckOutcome outcome, CallbackInvocation[] calls)
    {
        var phases = calls.Select(c => c.Phase).Concat(outcome.Violations.Select(v => v.Phase)).Distinct().Order().ToArray();
        var every = calls.Select(c => c.Component).Concat(outcome.Violations.Select(v => v.Component)).Distinct(StringComparer.Ordinal).ToArray();
        var column = phases.Select((p, i) => (p, i)).ToDictionary(x => x.p, x => x.i);
        var cells = calls.GroupBy(c => (c.Component, c.Phase)).ToDictionary(g => g.Key, g => (Calls: g.Count(), Faults: g.Count(c => c.Faulted), Bytes: g.Sum(c => c.BytesProduced)));
        var violations = outcome.Violations.GroupBy(v => (v.Component, v.Phase)).ToDictionary(g => g.Key, g => g.ToArray());

        // At most MaxDetailedRows rows: the components with a fault or a violation first, then the busiest; the rest are counted.
        var order = every.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);
        var flaggedComponents = outcome.Violations.Select(v => v.Component).Concat(calls.Where(c => c.Faulted).Select(c => c.Component)).ToHashSet(StringComparer.Ordinal);
        var callsOf = calls.GroupBy(c => c.Component, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        var components = every.OrderByDescending(c => flaggedComponents.Contains(c)).ThenByDescending(c => callsOf.GetValueOrDefault(c)).ThenBy(c => order[c])
            .Take(MaxDetailedRows).OrderBy(c => order[c]).ToArray();
        var shown = components.ToHashSet(StringComparer.Ordinal);
        var hidden = every.Length - components.Length;
        var busiest = phases.ToDictionary(p => p, p => Math.Max(1, cells.Where(c => c.Key.Phase == p).Select(c => c.Value.Calls).DefaultIfEmpty(0).Max()));
        const int CellWidth = 96;
        var width = LabelWidth + (phases.Length * CellWidth) + 10;
        var height = Top + ((components.Length + (hidden > 0 ? 1 : 0)) * RowHeight) + 8;
        html.Raw("<p class=\"note\">").Text(Invariant($"Too many to draw one by one ({calls.Length:N0} calls and {outcome.Violations.Count:N0} violations, against {MaxDetailedCalls:N0} of each and {MaxDetailedRows} callbacks drawn one by one): one row per component, one cell per phase; a bar's length is its share of the busiest component in that phase.")).Raw("</p>");
        html.Raw("<figure><div class=\"scroll\">")
            .Raw(Invariant($"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"timeline\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"timeline-title\">"))
            .Raw("<title id=\"timeline-title\">").Text(Invariant($"Timeline, per component: {calls.Length} calls of {every.Length} components over {phases.Length} phases, {outcome.Violations.Count} violations")).Raw("</title>");
        for (var p = 0; p < phases.Length; p++)
        {
            html.Raw(Invariant($"<rect class=\"band-{p % 2}\" x=\"{LabelWidth + (p * CellWidth)}\" y=\"0\" width=\"{CellWidth}\" height=\"{height}\"/>"))
                .Raw(Invariant($"<text class=\"phase-label\" x=\"{LabelWidth + (p * CellWidth) + 2}\" y=\"{(p % 2 == 0 ? 12 : 26)}\">")).Text(Shorten(phases[p].ToString(), 16)).Raw("<title>").Text(phases[p].ToString()).Raw("</title></text>");
        }

        for (var r = 0; r < components.Length; r++)
        {
            var component = components[r];
            var y = Top + (r * RowHeight);
            var flagged = phases.Any(p => violations.ContainsKey((component, p)) || (cells.TryGetValue((component, p), out var cell) && cell.Faults > 0));
            html.Raw(Invariant($"<g data-row=\"{HtmlWriter.Escape(component)}\" data-flagged=\"{(flagged ? 1 : 0)}\">"))
                .Raw(Invariant($"<text class=\"label\" x=\"4\" y=\"{y + 13}\">")).Text(Shorten(component, LabelLength)).Raw("<title>").Text(component).Raw("</title></text>");
            foreach (var phase in phases)
            {
                var x = LabelWidth + (column[phase] * CellWidth) + 2;
                if (cells.TryGetValue((component, phase), out var cell))
                {
                    var w = Math.Max(3, (CellWidth - 30) * cell.Calls / (double)busiest[phase]);
                    html.Raw(Invariant($"<rect class=\"cell mark\" x=\"{x}\" y=\"{y + 4}\" width=\"{w:0.#}\" height=\"{RowHeight - 8}\">"))
                        .Raw("<title>").Text(Invariant($"{component}, {phase}: {cell.Calls:N0} calls, {cell.Bytes:N0} bytes, {cell.Faults:N0} faulted")).Raw("</title></rect>");
                    if (cell.Faults > 0)
                    {
                        html.Raw(Invariant($"<path class=\"fault mark\" d=\"M{x + CellWidth - 24},{y + 3} L{x + CellWidth - 18},{y + 14} L{x + CellWidth - 30},{y + 14} Z\">"))
                            .Raw("<title>").Text(Invariant($"{component}, {phase}: {cell.Faults:N0} calls faulted")).Raw("</title></path>");
                    }
                }

                if (violations.TryGetValue((component, phase), out var found))
                {
                    var worst = found.FirstOrDefault(v => outcome.IsExpected(v) != true) ?? found[0];
                    ViolationMark(html, outcome, worst, x + CellWidth - 10, y + (RowHeight / 2.0), found.Length);
                }
            }

            html.Raw("</g>");
        }

        if (hidden > 0)
        {
            var hiddenCalls = calls.Length - components.Sum(c => callsOf.GetValueOrDefault(c));
            html.Raw(Invariant($"<text class=\"label\" x=\"4\" y=\"{Top + (components.Length * RowHeight) + 13}\">"))
                .Text(Invariant($"… and {hidden:N0} more components ({every.Count(c => !shown.Contains(c) && flaggedComponents.Contains(c)):N0} with a fault or a violation), {hiddenCalls:N0} calls in the log")).Raw("</text>");
        }

        html.Raw("</svg></div><figcaption>One row per component, one column per phase, in the order of the bug check. The table below lists the same counts.</figcaption></figure>");
        html.Raw("<details><summary>The counts as a table</summary>");
        html.Table(
            "Calls per component and phase",
            ["Component", "Phase", "Calls", "Faulted", "Bytes", "Violations"],
            cells.Where(c => shown.Contains(c.Key.Component)).OrderBy(c => order[c.Key.Component]).ThenBy(c => c.Key.Phase).Select(c => (IReadOnlyList<string>)
            [
                c.Key.Component, c.Key.Phase.ToString(), Invariant($"{c.Value.Calls:N0}"), Invariant($"{c.Value.Faults:N0}"), Invariant($"{c.Value.Bytes:N0}"),
                Invariant($"{(violations.TryGetValue(c.Key, out var v) ? v.Length : 0):N0}"),
            ]),
            isNumber: i => i >= 2,
            rowAttributes: r => $"data-row=\"{HtmlWriter.Escape(r[0])}\"");
        html.Raw("</details>");
    }

    private static void CallMark(HtmlWriter html, CallbackInvocation call, double x, double y)
    {
        html.Raw(call.Faulted
            ? Invariant($"<path class=\"fault mark\" d=\"M{x:0.#},{y - 6:0.#} L{x + 5:0.#},{y + 4:0.#} L{x - 5:0.#},{y + 4:0.#} Z\">")
            : Invariant($"<circle class=\"call mark\" cx=\"{x:0.#}\" cy=\"{y:0.#}\" r=\"3.5\">"));
        var pass = CallNames.PassName(call);
        html.Raw("<title>").Text(Invariant(
            $"call #{call.Sequence}: {call.Phase}, {RowKey.ReasonName(call.Reason)}{(pass.Length > 0 ? $" {pass}" : string.Empty)}, {call.Component} (record {call.RecordIndex}), call {call.CallNumber}: {call.BytesProduced:N0} bytes, {(call.Faulted ? "faulted" : $"{call.AllocatedBytes:N0} bytes allocated")}, {call.StateAfter}, {call.Duration.TotalMilliseconds:0.000} ms"))
            .Raw(call.Faulted ? "</title></path>" : "</title></circle>");
    }

    private static void ViolationMark(HtmlWriter html, BugCheckOutcome outcome, Violation violation, double x, double y, int count = 1)
    {
        var expected = outcome.IsExpected(violation);
        html.Raw(expected switch
        {
            true => Invariant($"<path class=\"violation expected mark\" d=\"M{x:0.#},{y - 7:0.#} L{x + 7:0.#},{y:0.#} L{x:0.#},{y + 7:0.#} L{x - 7:0.#},{y:0.#} Z\">"),
            false => Invariant($"<path class=\"violation mark\" d=\"M{x - 6:0.#},{y - 6:0.#} L{x + 6:0.#},{y + 6:0.#} M{x + 6:0.#},{y - 6:0.#} L{x - 6:0.#},{y + 6:0.#}\">"),
            null => Invariant($"<rect class=\"violation unjudged mark\" x=\"{x - 6:0.#}\" y=\"{y - 6:0.#}\" width=\"12\" height=\"12\">"),
        });
        var verdict = expected switch { true => "expected by the scenario", false => "NOT expected", null => "nobody said what to expect" };
        html.Raw("<title>").Text(count == 1
            ? $"{violation.Code} {violation.Kind} ({verdict}) [{violation.Phase}] {violation.Component}, call {violation.CallNumber}: {violation.Detail}"
            : Invariant($"{count} violations, the first shown {violation.Code} {violation.Kind} ({verdict}) [{violation.Phase}] {violation.Component}: {violation.Detail}"));
        html.Raw(expected is null ? "</title></rect>" : "</title></path>");
    }

    /// <summary>The runs of calls in one phase, in call order: a phase the bug check enters twice (a nested crash) is two bands.</summary>
    private static List<(BugCheckPhase Phase, int First, int Last)> Bands(CallbackInvocation[] calls)
    {
        var bands = new List<(BugCheckPhase Phase, int First, int Last)>();
        for (var i = 0; i < calls.Length; i++)
        {
            if (bands.Count > 0 && bands[^1].Phase == calls[i].Phase)
            {
                bands[^1] = bands[^1] with { Last = i };
            }
            else
            {
                bands.Add((calls[i].Phase, i, i));
            }
        }

        return bands;
    }

    private static string Shorten(string text, int max) => text.Length <= max ? text : string.Concat(text.AsSpan(0, max - 1), "…");

    /// <summary>One timeline row: one callback record, told apart by reason and dispatch position, not only by component.</summary>
    private readonly record struct RowKey(string Reason, int RecordIndex, string Component)
    {
        public string Label => Invariant($"{Component} · {Reason} #{RecordIndex}");

        public static RowKey Of(CallbackInvocation call) => new(ReasonName(call.Reason), call.RecordIndex, call.Component);

        public static RowKey Of(Violation violation) => new(ReasonName(violation.Reason), violation.RecordIndex, violation.Component);

        public static string ReasonName(BugCheckCallbackReason? reason) => reason?.ToString() ?? "Classic";
    }
}
