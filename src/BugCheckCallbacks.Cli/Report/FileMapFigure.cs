using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;
using static System.FormattableString;

namespace BugCheckCallbacks.Cli.Report;

/// <summary>
/// The dump as a layout in space, to scale: the whole file (header, the body's own structures, the pages, the
/// secondary-data region, what is left over), then the body alone (the stored runs, the page tables, the pages callbacks
/// added), then the region alone with each blob. Whatever falls within one pixel is drawn as one mark, so the figure has
/// at most a few thousand elements whatever the dump holds.
/// </summary>
internal static class FileMapFigure
{
    private const int Width = 960;
    private const int Left = 10;
    private const int MaxBlobsDrawn = 2_000;
    private const long MaxAddedPagesTranslated = 1 << 20;

    public static void Write(HtmlWriter html, DumpFile dump, IReadOnlyList<DumpTag> tags, BugCheckOutcome? outcome)
    {
        var segments = Segments(dump, tags);
        html.Raw("<ul class=\"legend\" aria-label=\"Legend\">")
            .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"header\" width=\"14\" height=\"14\"/></svg> header</li>")
            .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"meta\" width=\"14\" height=\"14\"/></svg> the body's own structures (bitmap, ranges, triage data)</li>")
            .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"pages\" width=\"14\" height=\"14\"/></svg> stored pages</li>")
            .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><line class=\"table-tick\" x1=\"7\" x2=\"7\" y1=\"0\" y2=\"14\"/></svg> page tables (tick below)</li>")
            .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><path class=\"added-tick\" d=\"M7,13 L13,3 L1,3 Z\"/></svg> pages callbacks added (triangle above)</li>")
            .Raw("<li><svg width=\"14\" height=\"14\" aria-hidden=\"true\"><rect class=\"blob\" width=\"14\" height=\"14\"/></svg> secondary data: a blob</li>")
            .Raw("</ul>");

        Bar(html, "file", Invariant($"The whole file, 0x{dump.Length:X} bytes"), 0, dump.Length, segments.Select(s => (s.Class, s.Start, s.End, Describe(s))), []);
        if (dump.StoredPageCount > 0)
        {
            BodyBar(html, dump, outcome);
        }

        if (dump.HasSecondaryData)
        {
            RegionBar(html, dump, tags, outcome);
        }

        html.Table(
            "File segments",
            ["Segment", "File offset", "Bytes"],
            segments.Select(s => (IReadOnlyList<string>)[s.Label, Invariant($"0x{s.Start:X}"), Invariant($"0x{s.End - s.Start:X} ({s.End - s.Start:N0})")]),
            isNumber: i => i > 0);
    }

    private static string Describe(Segment s) => Invariant($"{s.Label}: 0x{s.End - s.Start:X} bytes at 0x{s.Start:X}");

    /// <summary>The file in order; gaps (padding, a reservation's zeros, bytes past the region) are their own segments.</summary>
    private static List<Segment> Segments(DumpFile dump, IReadOnlyList<DumpTag> tags)
    {
        var list = new List<Segment> { new("header", "DUMP_HEADER64", 0, Math.Min(dump.Length, DumpFile.HeaderSize)) };
        if (dump.BodyStart > DumpFile.HeaderSize)
        {
            list.Add(new("meta", dump.Layout switch
            {
                DumpBodyLayout.KernelBitmap or DumpBodyLayout.CompleteBitmap => "Bitmap header and page bitmap",
                DumpBodyLayout.Ranges => "RDMP header and PFN ranges",
                DumpBodyLayout.Triage => "Triage data (PAGEDUMP_TRIAGE, modules, data blocks)",
                _ => "Body structures",
            }, DumpFile.HeaderSize, dump.BodyStart));
        }

        if (dump.BodyEnd > dump.BodyStart)
        {
            list.Add(new("pages", Invariant($"Stored pages (0x{dump.StoredPageCount:X})"), dump.BodyStart, dump.BodyEnd));
        }

        var end = dump.BodyEnd;
        if (dump.HasSecondaryData)
        {
            var start = dump.SecondaryDataOffset;
            if (start > end)
            {
                list.Add(new("gap", "Between the body and the region", end, start));
            }

            end = RegionEnd(dump, tags);
            list.Add(new("region", Invariant($"Secondary data: DumpBlob region, {tags.Count} blob(s)"), start, end));
        }

        if (dump.Length > end)
        {
            list.Add(new("gap", dump.HasSecondaryData ? "After the last blob (reserved, unused)" : "After the body", end, dump.Length));
        }

        return list;
    }

    /// <summary>Where the region's blobs end (the reserved zeros after them are drawn as left over), within the file.</summary>
    private static long RegionEnd(DumpFile dump, IReadOnlyList<DumpTag> tags) =>
        Math.Min(dump.Length, Math.Max(dump.SecondaryDataOffset + DumpBlob.FileHeaderSize, tags.Count == 0 ? 0 : tags.Max(t => t.Offset + t.Size)));

    private static void BodyBar(HtmlWriter html, DumpFile dump, BugCheckOutcome? outcome)
    {
        var (start, end) = (dump.BodyStart, dump.BodyEnd);
        // In file order, which merging by pixel needs: a debugger-written dump keeps its ranges in its own order (few of
        // them, so sorting costs nothing); the other layouts store their runs ascending.
        var stored = dump.Layout == DumpBodyLayout.Ranges ? dump.EnumerateStoredRuns().OrderBy(r => dump.GetPageFileOffset(r.BasePage)) : dump.EnumerateStoredRuns();
        var runs = stored.Select(run =>
        {
            var offset = dump.GetPageFileOffset(run.BasePage);
            return ("pages", offset, offset + ((long)run.PageCount * DumpFile.PageSize), Invariant($"pages 0x{run.BasePage:X}–0x{run.EndPage - 1:X} (physical 0x{DumpFile.AddressOfPage(run.BasePage):X}, 0x{run.PageCount:X} pages) at file offset 0x{offset:X}"));
        });
        var tables = dump.EnumeratePagingStructures().Select(t => (dump.GetPageFileOffset(t.PageFrame), Invariant($"level-{t.Level} page table, page 0x{t.PageFrame:X}")));
        var added = AddedPages(dump, outcome).Select(page => (dump.GetPageFileOffset(page.Frame), page.Label));
        Bar(html, "body", Invariant($"The body alone: 0x{dump.StoredPageCount:X} stored pages from file offset 0x{start:X} to 0x{end:X}"), start, end, runs, [("table-tick", tables), ("added-tick", added)]);
    }

    /// <summary>The physical pages behind the outcome's added ranges, a virtual range translated page by page (bounded).</summary>
    private static IEnumerable<(ulong Frame, string Label)> AddedPages(DumpFile dump, BugCheckOutcome? outcome)
    {
        var budget = MaxAddedPagesTranslated;
        foreach (var range in outcome?.BodyRanges ?? [])
        {
            for (var page = 0UL; page < range.PageCount && budget-- > 0; page++)
            {
                var address = range.Address + DumpFile.AddressOfPage(page);
                if (range.Space == AddressSpace.Physical)
                {
                    yield return (DumpFile.PageOf(address), Invariant($"added by a callback: physical 0x{address:X}"));
                }
                else if (dump.TryTranslate(address, out var physical))
                {
                    yield return (DumpFile.PageOf(physical), Invariant($"added by a callback: virtual 0x{address:X} → physical 0x{physical:X}"));
                }
            }
        }
    }

    private static void RegionBar(HtmlWriter html, DumpFile dump, IReadOnlyList<DumpTag> tags, BugCheckOutcome? outcome)
    {
        var start = dump.SecondaryDataOffset;
        var end = RegionEnd(dump, tags);
        var reported = outcome?.Blobs ?? [];
        var many = tags.Count > MaxBlobsDrawn;
        IEnumerable<(string, long, long, string)> Pieces()
        {
            yield return ("blob-header", start, start + DumpBlob.FileHeaderSize, "DumpBlob file header");
            var positions = BlockRuns.Positions(tags, (a, b) => a.Tag == b.Tag); // a multi-part callback's parts share its tag, in order
            for (var i = 0; i < tags.Count; i++)
            {
                var tag = tags[i];
                var known = i < reported.Count && reported[i].Tag == tag.Tag ? reported[i] : null;
                var multiPart = known?.Reason == BugCheckCallbackReason.SecondaryMultiPartDumpData;
                var part = positions[i].Part;
                var duplicate = known is { IsReadable: false } && !multiPart; // the debugger's .enumtag reads only a tag's first blob
                var name = tag.FriendlyName is null ? string.Empty : $" ({tag.FriendlyName})";
                var who = tag.Component is null ? string.Empty : $", from {tag.Component}";
                var what = multiPart ? Invariant($", part {part} of a multi-part callback's data") : duplicate ? ", a duplicate tag: the debugger reads only the first" : string.Empty;
                yield return (many ? "blobs" : duplicate ? "blob unreadable" : "blob", tag.Offset, tag.Offset + tag.Size,
                    Invariant($"blob {i + 1}: {{{tag.Tag}}}{name}{who}, 0x{tag.Size:X} bytes at 0x{tag.Offset:X}{what}"));
            }
        }

        Bar(html, "region", Invariant($"The secondary-data region alone: {tags.Count} blob(s) from file offset 0x{start:X} to 0x{end:X}"), start, end, Pieces(), []);
    }

    /// <summary>
    /// One bar from <paramref name="start"/> to <paramref name="end"/>: pieces to scale (a piece under a pixel is widened to
    /// one, and pieces in the same pixel merge when there are too many to draw), and ticks above or below.
    /// </summary>
    private static void Bar(HtmlWriter html, string id, string caption, long start, long end, IEnumerable<(string Class, long Start, long End, string Title)> pieces, (string Class, IEnumerable<(long Offset, string Title)> Marks)[] ticks)
    {
        var span = Math.Max(1, end - start);
        double X(long offset) => Left + (Math.Clamp(offset - start, 0, span) * (double)Width / span);
        html.Raw(Invariant($"<figure><svg xmlns=\"http://www.w3.org/2000/svg\" class=\"filemap\" id=\"map-{id}\" width=\"{Width + (2 * Left)}\" height=\"64\" role=\"img\" aria-labelledby=\"map-{id}-title\">"))
            .Raw(Invariant($"<title id=\"map-{id}-title\">")).Text(caption).Raw("</title>");
        html.Raw(Invariant($"<rect class=\"gap\" x=\"{Left}\" y=\"16\" width=\"{Width}\" height=\"28\"/>"));
        (string Class, double X0, double X1, int Count, string Title)? pending = null;
        foreach (var piece in pieces)
        {
            var (x0, x1) = (X(piece.Start), Math.Max(X(piece.End), X(piece.Start) + 1));
            // Runs of pages and a crowd of blobs merge where they share a pixel; the header, the segments and each of a few
            // thousand blobs keep their own mark, however small.
            if (pending is { } p && piece.Class is "pages" or "blobs" && p.Class == piece.Class && x0 < p.X1 + 0.5 && (x1 - x0 < 1.5 || p.X1 - p.X0 < 1.5))
            {
                pending = p with { X1 = Math.Max(p.X1, x1), Count = p.Count + 1 };
                continue; // within the same pixel as the last: one mark for both
            }

            Flush();
            pending = (piece.Class, x0, x1, 1, piece.Title);
        }

        Flush();
        foreach (var (cssClass, marks) in ticks)
        {
            var columns = new SortedDictionary<int, (int Count, string First)>();
            foreach (var (offset, title) in marks)
            {
                if (offset >= start && offset < end)
                {
                    var column = (int)X(offset);
                    columns[column] = columns.TryGetValue(column, out var c) ? (c.Count + 1, c.First) : (1, title);
                }
            }

            foreach (var (column, (count, first)) in columns)
            {
                var what = count == 1 ? first : Invariant($"{count} pages here, the first: {first}");
                html.Raw(cssClass == "table-tick"
                    ? Invariant($"<line class=\"table-tick mark\" x1=\"{column}.5\" x2=\"{column}.5\" y1=\"44\" y2=\"56\">")
                    : Invariant($"<path class=\"added-tick mark\" d=\"M{column}.5,15 L{column + 4}.5,5 L{column - 3}.5,5 Z\">"));
                html.Raw("<title>").Text(what).Raw(cssClass == "table-tick" ? "</title></line>" : "</title></path>");
            }
        }

        html.Raw("</svg><figcaption>").Text(caption).Raw("</figcaption></figure>");

        void Flush()
        {
            if (pending is not { } p)
            {
                return;
            }

            var title = p.Count == 1 ? p.Title : Invariant($"{p.Count:N0} pieces in this pixel, the first: {p.Title}");
            html.Raw(Invariant($"<rect class=\"{p.Class} mark\" x=\"{p.X0:0.##}\" y=\"16\" width=\"{p.X1 - p.X0:0.##}\" height=\"28\">"))
                .Raw("<title>").Text(title).Raw("</title></rect>");
            pending = null;
        }
    }

    private sealed record Segment(string Class, string Label, long Start, long End);
}
