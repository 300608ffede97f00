using System.Text;
using System.Text.RegularExpressions;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Cli.Report;

/// <summary><c>bugcheck report</c> and <c>simulate --html</c>: the page's content, its escaping, its size, and what it refuses.</summary>
public sealed partial class ReportCliTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bugcheck-report-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Report_of_the_built_in_scenario_has_a_timeline_row_per_callback_and_a_map_block_per_blob()
    {
        var dump = Simulate();
        var result = CliRunner.Run("report", dump);
        result.Exit.Should().Be(0, result.Error);
        var page = File.ReadAllText(Path.ChangeExtension(dump, ".html"));
        result.Out.Should().Contain("Report written to").And.Contain(".html");

        Count(page, "<g data-row=").Should().Be(10, "the built-in scenario registers 10 callbacks");
        Count(page, "<rect class=\"blob mark\"").Should().Be(4, "the dump holds 4 blobs, the 3 parts of the multi-part callback among them");
        Count(page, "<circle class=\"call mark\"").Should().Be(15, "16 calls, one of which faulted");
        Count(page, "<path class=\"fault mark\"").Should().Be(1);
        Count(page, "<path class=\"violation expected mark\"").Should().Be(2, "both violations are ones the scenario expects");
        page.Should().Contain("DRIVER_IRQL_NOT_LESS_OR_EQUAL").And.Contain("faulty.sys+0x1000").And.Contain("part 2 of a multi-part callback");
        page.Should().Contain("Classic list, head 0xFFFFF80000001360").And.Contain("ntoskrnl.exe", "the walker's lists and modules are in the summary");
        page.Should().Contain("73 74 6f 72 70 6f 72 74", "the tags show a preview of their data (storport.sys's blob starts with its name)");
    }

    [Fact]
    public void The_page_fetches_nothing_and_carries_its_own_style_and_script()
    {
        var dump = Simulate();
        CliRunner.Run("report", dump, "-o", Path.Combine(_folder, "page.html")).Exit.Should().Be(0);
        var page = File.ReadAllText(Path.Combine(_folder, "page.html"));
        page.Should().StartWith("<!DOCTYPE html>").And.Contain("<style>").And.Contain("default-src 'none'");
        ExternalReference().Matches(page).Select(m => m.Value).Should().BeEmpty("no script, style, font or image comes from elsewhere");
        Count(page, "<script").Should().Be(1, "one inline script, for hover details and filtering");
    }

    [Fact]
    public void A_component_named_like_markup_is_shown_as_text()
    {
        var scenario = Path.Combine(_folder, "hostile.json");
        File.WriteAllText(scenario, """
            { "callbacks": [
                { "reason": "SecondaryDumpData", "component": "<script>alert(1)</script>", "guid": "5707e5a1-0000-4000-8000-000000000009", "size": 32 },
                { "reason": "SecondaryDumpData", "component": "x\" onmouseover=\"alert(2)", "guid": "5707e5a1-0000-4000-8000-00000000000a", "size": 32, "fault": "Throw", "expect": ["BCV0001"] }
            ] }
            """);
        var dump = Path.Combine(_folder, "hostile.dmp");
        var html = Path.Combine(_folder, "hostile.html");
        CliRunner.Run("simulate", "--scenario", scenario, "--out", dump, "--html", html).Exit.Should().Be(0);
        var page = File.ReadAllText(html);
        page.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.NotContain("<script>alert(1)");
        page.Should().NotContain("\" onmouseover=\"alert(2)").And.Contain("x&quot; onmouseover=&quot;alert(2)");
        Count(page, "<script").Should().Be(1, "only the page's own script");
    }

    [Fact]
    public void A_dump_alone_shows_what_it_holds_and_says_the_calls_are_not_known()
    {
        var dump = Simulate();
        File.Delete(OutcomeReport.PathFor(dump));
        var result = CliRunner.Run("report", dump);
        result.Exit.Should().Be(0, result.Error);
        var page = File.ReadAllText(Path.ChangeExtension(dump, ".html"));
        page.Should().Contain("No outcome report beside the dump").And.Contain("calls and verdicts not known");
        page.Should().NotContain("class=\"timeline\"");
        Count(page, "<rect class=\"blob mark\"").Should().Be(4, "the map comes from the dump itself");
        page.Should().Contain("ndis.sys", "the callback lists come from the dump's own memory");
    }

    [Theory]
    [InlineData("Triage")]
    [InlineData("Full")]
    [InlineData("BitmapFull")]
    public void Every_dump_type_gets_a_page(string dumpType)
    {
        var dump = Simulate("--dump-type", dumpType);
        var result = CliRunner.Run("report", dump);
        result.Exit.Should().Be(0, result.Error);
        var page = File.ReadAllText(Path.ChangeExtension(dump, ".html"));
        page.Should().Contain("id=\"map-file\"").And.EndWith("</html>\n");
        if (dumpType == "Triage")
        {
            page.Should().Contain("Triage data (PAGEDUMP_TRIAGE").And.NotContain("id=\"map-body\"", "a small memory dump stores no pages");
        }
        else
        {
            page.Should().Contain("id=\"map-body\"").And.Contain("class=\"table-tick mark\"", "the page tables are marked in the body");
        }
    }

    [Theory]
    [InlineData(8u, false)]
    [InlineData(10u, true)]
    public void A_debugger_written_dump_gets_a_page_with_its_ranges_on_the_map(uint dumpType, bool reversed)
    {
        var dump = Path.Combine(_folder, $"rdmp-{dumpType}.dmp");
        File.WriteAllBytes(dump, BugCheckCallbacks.Tests.Dump.RdmpDumpTests.Build(dumpType, reversed));
        var result = CliRunner.Run("report", dump);
        result.Exit.Should().Be(0, result.Error);
        var page = File.ReadAllText(Path.ChangeExtension(dump, ".html"));
        page.Should().Contain("RDMP header and PFN ranges").And.Contain("id=\"map-body\"").And.Contain("No outcome report beside the dump");
        var body = page[page.IndexOf("id=\"map-body\"", StringComparison.Ordinal)..page.IndexOf("</svg>", page.IndexOf("id=\"map-body\"", StringComparison.Ordinal), StringComparison.Ordinal)];
        var xs = Regex.Matches(body, "<rect class=\"pages mark\" x=\"([0-9.]+)\"").Select(m => double.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        xs.Should().NotBeEmpty().And.BeInAscendingOrder("the ranges are drawn in file order, whatever order the dump lists them in");
    }

    [Fact]
    public void Ten_thousand_calls_collapse_to_one_row_per_component_and_the_page_stays_small()
    {
        var callbacks = Enumerable.Range(0, 400).Select(i => $$"""{ "reason": "SecondaryDumpData", "component": "drv{{i % 40}}.sys", "guid": "5707e5a1-0000-4000-8000-{{i:X12}}", "size": 16 }""")
            .Concat(Enumerable.Range(0, 9).Select(i => $$"""{ "reason": "SecondaryMultiPartDumpData", "component": "multi.sys", "guid": "1e7a1e7a-0000-4000-8000-{{i:X12}}", "size": 16, "parts": 1000 }""")); // 1,024 calls is the protocol's cap
        var scenario = Path.Combine(_folder, "large.json");
        File.WriteAllText(scenario, $$"""{ "callbacks": [ {{string.Join(",\n", callbacks)}} ] }""");
        var dump = Path.Combine(_folder, "large.dmp");
        var html = Path.Combine(_folder, "large.html");
        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", dump, "--html", html, "-q");
        result.Exit.Should().Be(0, result.Error);
        var page = File.ReadAllText(html);
        page.Should().Contain("Too many to draw one by one").And.Contain("9,800 calls of 409 callbacks");
        Count(page, "<g data-row=").Should().Be(41, "40 component names share 400 callbacks, and 9 multi-part callbacks share one");
        new FileInfo(html).Length.Should().BeLessThan(2_000_000, "9,800 calls and 9,400 blobs are drawn in aggregate");
        Count(page, "<rect class=\"blobs mark\"").Should().BeLessThan(1_000, "blobs that share a pixel share a mark");
    }

    [Fact]
    public void Past_300_components_the_flagged_and_the_busiest_get_rows_and_the_rest_are_counted()
    {
        var callbacks = Enumerable.Range(0, 400).Select(i => $$"""{ "reason": "SecondaryDumpData", "component": "c{{i}}.sys", "guid": "5707e5a1-0000-4000-8000-{{i:X12}}", "size": 16{{(i == 399 ? """, "fault": "Throw", "expect": ["BCV0001"]""" : string.Empty)}} }""");
        var scenario = Path.Combine(_folder, "wide.json");
        File.WriteAllText(scenario, $$"""{ "callbacks": [ {{string.Join(",\n", callbacks)}} ] }""");
        var html = Path.Combine(_folder, "wide.html");
        CliRunner.Run("simulate", "--scenario", scenario, "--out", Path.Combine(_folder, "wide.dmp"), "--html", html, "-q").Exit.Should().Be(0);
        var page = File.ReadAllText(html);
        Count(page, "<g data-row=").Should().Be(300);
        page.Should().Contain("<g data-row=\"c399.sys\" data-flagged=\"1\">", "the faulty component always gets its row");
        page.Should().Contain("… and 100 more components (0 with a fault or a violation)");
    }

    [Fact]
    public void Simulate_html_writes_the_page_beside_the_dump_and_the_json_stays_the_report()
    {
        var dump = Path.Combine(_folder, "crash.dmp");
        var html = Path.Combine(_folder, "crash-page.html");
        var result = CliRunner.Run("simulate", "--out", dump, "--html", html);
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain($"HTML report written to {html}");
        var page = File.ReadAllText(html);
        page.Should().Contain("<span class=\"verdict warn\">2 violations</span>", "violations are not good news, even expected ones")
            .And.Contain("<span class=\"verdict good\">as expected: all 2 were expected</span>");
        using var dumpFile = DumpFile.Open(dump);
        dumpFile.Header.BugCheckCode.Should().Be(0xD1);
    }

    [Theory]
    [InlineData("dump")]
    [InlineData("report")]
    public void Report_refuses_an_output_that_is_one_of_its_inputs(string which)
    {
        var dump = Simulate();
        var target = which == "dump" ? dump : OutcomeReport.PathFor(dump);
        var before = File.ReadAllBytes(target);
        var result = CliRunner.Run("report", dump, "--out", target);
        result.Exit.Should().Be(2);
        result.Error.Should().Contain("would destroy the input");
        File.ReadAllBytes(target).Should().Equal(before);
    }

    [Fact]
    public void Simulate_refuses_an_html_path_that_is_the_dump()
    {
        var dump = Path.Combine(_folder, "same.dmp");
        var result = CliRunner.Run("simulate", "--out", dump, "--html", dump);
        result.Exit.Should().Be(2);
        result.Error.Should().Contain("--html").And.Contain("would destroy the input");
        File.Exists(dump).Should().BeFalse("nothing is written when an argument is refused");
    }

    [Fact]
    public void Report_of_a_bare_region_or_a_missing_file_is_a_usage_error()
    {
        var dump = Simulate();
        var region = Path.Combine(_folder, "region.bin");
        using (var file = DumpFile.Open(dump))
        {
            File.WriteAllBytes(region, File.ReadAllBytes(dump)[(int)file.SecondaryDataOffset..]);
        }

        var bare = CliRunner.Run("report", region);
        bare.Exit.Should().Be(2);
        bare.Error.Should().Contain("bare DumpBlob region");
        CliRunner.Run("report", Path.Combine(_folder, "none.dmp")).Exit.Should().Be(2);
        File.Exists(Path.ChangeExtension(region, ".html")).Should().BeFalse();
    }

    private string Simulate(params string[] options)
    {
        var dump = Path.Combine(_folder, $"crash-{Guid.NewGuid():N}.dmp");
        var result = CliRunner.Run(["simulate", "--out", dump, "-q", .. options]);
        result.Exit.Should().BeOneOf([0, 1], result.Error);
        return dump;
    }

    private static int Count(string text, string what) => Regex.Count(text, Regex.Escape(what));

    [GeneratedRegex("""(?:src|href)\s*=\s*["']?(?:https?:|//|file:)|@import|url\(\s*["']?(?:https?:|//)""", RegexOptions.IgnoreCase)]
    private static partial Regex ExternalReference();
}
