using System.Text.Json;
using BugCheckCallbacks.Cli.Commands;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Dump;

namespace BugCheckCallbacks.Tests.Cli;

public sealed partial class CliTests : IDisposable
{
    private static readonly Guid s_storportTag = Guid.Parse("5707e5a1-0000-4000-8000-000000000001");
    private readonly List<string> _files = [];

    public void Dispose()
    {
        foreach (var file in _files)
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Reasons_prints_the_contract_table()
    {
        var result = CliRunner.Run("reasons");
        result.Exit.Should().Be(0);
        CliRunner.MatchSnapshot(result.Out, "reasons");
    }

    [Fact]
    public void Simulate_runs_the_built_in_scenario_writes_the_dump_and_exits_0()
    {
        var path = Temp(".dmp");
        var result = CliRunner.Run("simulate", "--out", path);
        result.Exit.Should().Be(0, result.Error);
        CliRunner.MatchSnapshot(CliRunner.Scrub(result.Out, path), "simulate-default");
        File.Exists(OutcomeReport.PathFor(path)).Should().BeTrue("the outcome report goes beside the dump");
        // The report byte for byte, but for the time each call took: a change of structure must not change the document.
        CliRunner.MatchSnapshot(CallDuration().Replace(File.ReadAllText(OutcomeReport.PathFor(path)), "\"duration\": \"<t>\"").ReplaceLineEndings("\n"), "simulate-default-outcome");
        using var dump = DumpFile.Open(path);
        dump.Header.BugCheckCode.Should().Be(0xD1);
        dump.Header.BugCheck.Should().Be(new BugCheckParameters(0xD1, dump.Header.BugCheckParameter1, dump.Header.BugCheckParameter2, dump.Header.BugCheckParameter3, dump.Header.BugCheckParameter4));
        dump.EnumerateTags().Should().HaveCount(4);
    }

    [Fact]
    public void Simulate_options_override_the_scenario()
    {
        var path = Temp(".dmp");
        var result = CliRunner.Run("simulate", "--out", path, "--code", "0x9F", "--param1", "3", "--param4", "0xffff`f800`0000`1000", "--dump-type", "Full", "--order", "OldestFirst", "--json");
        result.Exit.Should().Be(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("schemaVersion").GetInt32().Should().Be(2);
        json.RootElement.GetProperty("bugCheckCode").GetUInt32().Should().Be(0x9F);
        json.RootElement.GetProperty("bugCheckParameter1").GetString().Should().Be("0x3", "64-bit values are hex strings, which jq and JavaScript keep whole");
        json.RootElement.GetProperty("bugCheckParameter4").GetString().Should().Be("0xFFFFF80000001000");
        json.RootElement.GetProperty("dumpType").GetString().Should().Be("Full");
        json.RootElement.GetProperty("invocations").EnumerateArray().Should().NotContain(i => i.GetProperty("phase").GetString() == "TriageDumpData", "a complete dump has no triage phase");
    }

    [Fact]
    public void Enumtag_lists_the_tags_of_a_dump_file()
    {
        var path = SimulatedDump();
        var result = CliRunner.Run("enumtag", path);
        result.Exit.Should().Be(0, result.Error);
        CliRunner.MatchSnapshot(result.Out, "enumtag");
    }

    [Fact]
    public void Enumtag_and_extract_accept_a_bare_DumpBlob_region()
    {
        var path = Temp(".bin");
        File.WriteAllBytes(path, DumpBlobTests.EncodeRegion(22621, (KnownTags.WdfDumpGuid, "ifr"u8.ToArray()), (s_storportTag, [1, 2, 3])));
        var list = CliRunner.Run("enumtag", path);
        list.Exit.Should().Be(0, list.Error);
        list.Out.Should().Contain("KMDF IFR log (WdfDumpGuid)").And.Contain("2 tag(s); DumpBlob build 22621.");
        var extract = CliRunner.Run("extract", path, "--tag", s_storportTag.ToString());
        extract.Exit.Should().Be(0, extract.Error);
        extract.RawOut.Should().Equal(1, 2, 3);
    }

    [Fact]
    public void Extract_writes_a_tag_to_a_file()
    {
        var dump = SimulatedDump();
        var output = Temp(".bin");
        var result = CliRunner.Run("extract", dump, "--tag", s_storportTag.ToString(), "--out", output);
        result.Exit.Should().Be(0, result.Error);
        var data = File.ReadAllBytes(output);
        data.Should().HaveCount(6000);
        System.Text.Encoding.ASCII.GetString(data, 0, 26).Should().Be("storport.sys storport.sys ");
        result.Error.Should().Contain("6000 bytes");
    }

    [Fact]
    public void Extract_to_a_terminal_prints_a_hex_dump()
    {
        var dump = SimulatedDump();
        var result = CliRunner.Run(true, "extract", dump, "--tag", s_storportTag.ToString(), "--no-color");
        result.Exit.Should().Be(0, result.Error);
        result.Out.Split('\n')[0].Should().Be("00000000  73 74 6f 72 70 6f 72 74-2e 73 79 73 20 73 74 6f  storport.sys sto");
        result.RawOut.Should().BeEmpty();
    }

    [Fact]
    public void Hex_dump_pads_the_last_line()
    {
        var writer = new StringWriter { NewLine = "\n" };
        ExtractCommand.WriteHexDump(new MemoryStream("AB\u0001"u8.ToArray()), writer);
        writer.ToString().Should().Be("00000000  41 42 01                                         AB.\n");
    }

    [Fact]
    public void Show_prints_header_sections_and_the_recorded_outcome()
    {
        var dump = SimulatedDump();
        var result = CliRunner.Run("show", dump);
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain("0x000000D1").And.Contain("5 (KernelBitmap: bitmap)").And.Contain("pages stored; the body ends at 0x").And.Contain("DumpBlob region at 0x")
            .And.Contain("Outcome report (").And.Contain("BCV0004").And.Contain("storport.sys");
        var json = CliRunner.Run("show", dump, "--json");
        json.Exit.Should().Be(0);
        using var document = JsonDocument.Parse(json.Out);
        var file = document.RootElement.GetProperty("files")[0];
        BugCheckOutcomeJson(file.GetProperty("outcome").GetRawText()).Blobs.Should().HaveCount(4);
    }

    [Fact]
    public void Simulate_exits_1_on_a_violation_the_scenario_does_not_expect()
    {
        var scenario = Scenario("""{ "callbacks": [ { "reason": "DumpIo", "component": "bad.sys", "fault": "Allocate" } ] }""");
        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", Temp(".dmp"));
        result.Exit.Should().Be(1);
        result.Out.Should().Contain("BCV0003").And.MatchRegex("Result: [0-9]+ unexpected violations? .*0 expected violations missing");
    }

    [Fact]
    public void Simulate_exits_1_when_an_expected_violation_does_not_happen()
    {
        var scenario = Scenario("""{ "callbacks": [ { "reason": "Reserved1", "component": "fine.sys", "expect": ["BCV0001"] } ] }""");
        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", Temp(".dmp"));
        result.Exit.Should().Be(1);
        result.Out.Should().Contain("Expected but not seen: BCV0001 from fine.sys");
    }

    [Theory]
    [InlineData("""{ "callbacks": [ { "reason": "AddPages", "component": "a.sys", "fault": "NeverEnd", "expect": ["BCV0011"] } ] }""")]
    [InlineData("""{ "callbacks": [ { "reason": "SecondaryDumpData", "component": "n.sys", "fault": "NoGuid", "expect": ["BCV0006"] } ] }""")]
    [InlineData("""{ "callbacks": [ { "reason": "SecondaryMultiPartDumpData", "component": "m.sys", "guid": "11111111-1111-1111-1111-111111111111", "fault": "Oversize", "expect": ["BCV0004"] } ] }""")]
    [InlineData("""{ "callbacks": [ { "reason": "Classic", "component": "c.sys", "fault": "NestedBugCheck", "expect": ["BCV0015"] } ] }""")]
    [InlineData("""{ "callbacks": [ { "reason": "DumpIo", "component": "s.sys", "fault": "Slow", "expect": ["BCV0002"] } ], "callTimeBudgetMs": 5 }""")]
    [InlineData("""{ "callbacks": [ { "reason": "TriageDumpData", "component": "t.sys", "blocks": [ { "address": "0x1000", "size": 16 } ], "expect": ["BCV0010"] } ], "dumpType": "Triage" }""")]
    public void Scripted_faults_commit_their_violations(string json)
    {
        var result = CliRunner.Run("simulate", "--scenario", Scenario(json), "--out", Temp(".dmp"));
        result.Exit.Should().Be(0, result.Out + result.Error);
    }

    public static TheoryData<string[], string> BadUsage() => new()
    {
        { ["simulate", "--bogus"], "--bogus" },
        { ["simulate", "--code", "xyz"], "--code \"xyz\" is not a number" },
        { ["simulate", "--code", "0x100000000"], "--code \"0x100000000\" (0x100000000) is out of range: it must be from 0x0 to 0xFFFFFFFF." },
        { ["simulate", "--dump-type", "Huge"], "Huge" },
        { ["simulate", "--scenario", "/nonexistent/scenario.json"], "cannot read the scenario" },
        { ["enumtag", "/nonexistent/file.dmp"], "file.dmp" },
        { ["extract", "/nonexistent/file.dmp"], "--tag" },
        { [], "Required command" },
    };

    [Theory]
    [MemberData(nameof(BadUsage))]
    public void Bad_usage_exits_2_with_a_message(string[] args, string message)
    {
        var result = CliRunner.Run(args);
        result.Exit.Should().Be(2);
        result.Error.Should().Contain(message);
    }

    [Fact]
    public void Extract_rejects_a_bad_or_unknown_tag_with_exit_2()
    {
        var dump = SimulatedDump();
        var bad = CliRunner.Run("extract", dump, "--tag", "not-a-guid");
        (bad.Exit, bad.Error.Contains("is not a GUID", StringComparison.Ordinal)).Should().Be((2, true));
        var unknown = CliRunner.Run("extract", dump, "--tag", Guid.Empty.ToString());
        (unknown.Exit, unknown.Error.Contains("no secondary-data block has this tag", StringComparison.Ordinal)).Should().Be((2, true));
    }

    public static TheoryData<string, string> BadScenarios() => new()
    {
        { "{ \"callbacks\": [ }", "line 1" },
        { "{\n  \"callbacks\": [\n    { \"reason\": \"DumpIo\", \"component\": 5 }\n  ]\n}", "line 3" },
        { "{ \"callbacks\": [ { \"reason\": \"Sideways\", \"component\": \"a.sys\" } ] }", "$.callbacks[0].reason" },
        { "{ \"callbacks\": [ { \"reason\": \"Invalid\", \"component\": \"a.sys\" } ] }", "$.callbacks[0].reason" },
        { "{ \"callbacks\": [ { \"reason\": \"AddPages\", \"component\": \"a.sys\" } ] }", "$.callbacks[0].ranges" },
        { "{ \"callbacks\": [ { \"reason\": \"TriageDumpData\", \"component\": \"a.sys\" } ] }", "$.callbacks[0].blocks" },
        { "{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a.sys\", \"expect\": [\"BCV9999\"] } ] }", "$.callbacks[0].expect" },
        { "{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"\" } ] }", "$.callbacks[0].component" },
        { "{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a.sys\", \"size\": -1 } ] }", "$.callbacks[0].size" },
        { "{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a.sys\", \"fault\": \"Explode\" } ] }", "$.callbacks[0].fault" },
        { "{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a.sys\", \"colour\": 1 } ] }", "colour" },
        { "{ \"bugCheck\": { \"code\": \"0xZZ\" }, \"callbacks\": [] }", "$.bugCheck.code" },
        { "{ \"dumpType\": \"Full\" }", "callbacks" },
        { "null", "null" },
    };

    [Theory]
    [MemberData(nameof(BadScenarios))]
    public void A_bad_scenario_names_the_line_or_field_that_is_wrong(string json, string where)
    {
        var path = Scenario(json);
        var result = CliRunner.Run("simulate", "--scenario", path, "--out", Temp(".dmp"));
        result.Exit.Should().Be(2, result.Out);
        result.Error.Should().Contain(path).And.Contain(where);
    }

    [Fact]
    public void A_file_that_is_not_a_dump_exits_3()
    {
        var path = Temp(".bin");
        File.WriteAllText(path, "hello, this is not a dump");
        var result = CliRunner.Run("enumtag", path);
        result.Exit.Should().Be(3);
        result.Error.Should().Contain("neither an x64 kernel dump");
    }

    [Fact]
    public void A_truncated_dump_exits_3()
    {
        var dump = SimulatedDump();
        var bytes = File.ReadAllBytes(dump);
        File.WriteAllBytes(dump, bytes[..^10]);
        foreach (var command in new[] { "enumtag", "show" })
        {
            var result = CliRunner.Run(command, dump);
            result.Exit.Should().Be(3, command);
            result.Error.Should().Contain("truncated");
        }
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("enumtag")]
    [InlineData("extract")]
    [InlineData("show")]
    [InlineData("db")]
    [InlineData("reasons")]
    public void Every_command_has_help(string command)
    {
        var result = CliRunner.Run(command, "--help");
        result.Exit.Should().Be(0);
        result.Out.Should().Contain("Usage:").And.Contain(command);
    }

    [Fact]
    public void Reasons_markdown_lists_every_reason()
    {
        var result = CliRunner.Run("reasons", "--markdown");
        result.Exit.Should().Be(0);
        result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().HaveCount(12);
        result.Out.Should().Contain("| 9 | `KbCallbackReserved3` |");
    }

    [Fact]
    public void Show_without_a_report_beside_the_dump_says_so()
    {
        var dump = SimulatedDump();
        File.Delete(OutcomeReport.PathFor(dump));
        var result = CliRunner.Run("show", dump);
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain("No outcome report beside the dump.");
        var json = CliRunner.Run("show", dump, "--json");
        json.Exit.Should().Be(0);
        JsonDocument.Parse(json.Out).RootElement.GetProperty("files")[0].TryGetProperty("outcome", out _).Should().BeFalse("there is no report to embed");
        var tags = CliRunner.Run("enumtag", dump);
        tags.Out.Should().NotContain("storport.sys", "only the report knows which component wrote a blob");
    }

    [Fact]
    public void A_broken_report_beside_the_dump_is_a_warning_not_an_error()
    {
        var dump = SimulatedDump();
        File.WriteAllText(OutcomeReport.PathFor(dump), "{ not json");
        var result = CliRunner.Run("enumtag", dump);
        result.Exit.Should().Be(0);
        result.Error.Should().StartWith("warning: ").And.Contain("is not a readable outcome report");
    }

    [Fact]
    public void Db_prints_virtual_memory_like_the_debugger()
    {
        var dump = SimulatedDump();
        var result = CliRunner.Run("db", dump, "0xFFFF800000400000", "--length", "0x20");
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Be(
            "ffff8000`00400000  74 72 69 61 67 65 2e 73-79 73 3a 20 6c 61 73 74  triage.sys: last\n" +
            "ffff8000`00400010  20 72 65 71 75 65 73 74-20 30 78 32 41 2c 20 71   request 0x2A, q\n");
        var pattern = CliRunner.Run("db", dump, "0xffff8000`00200008", "--length", "8");
        pattern.Out.Should().StartWith("ffff8000`00200008  08 00 20 00 00 80 ff ff", "an added page holds its own address");
    }

    [Fact]
    public void Db_reads_physical_memory_and_marks_what_the_dump_lacks()
    {
        var dump = SimulatedDump();
        var result = CliRunner.Run("db", dump, "0x100ff8", "--physical", "--length", "0x10");
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Be("#  100ff8  f8 0f 10 00 00 00 00 00-00 10 10 00 00 00 00 00  ................\n", "!db marks a physical address with #");
        var removed = CliRunner.Run("db", dump, "0x104000", "--physical", "--length", "4");
        removed.Out.Should().Be("#  104000  ?? ?? ?? ??                                      ????\n", "RemovePages removed 0x104000");
        removed.Error.Should().Contain("Physical 0x104000..0x104003 is not in the dump");
        var unmapped = CliRunner.Run("db", dump, "0xFFFF800000FF0000", "--length", "1");
        unmapped.Error.Should().Contain("not mapped, or its pages are not stored");
    }

    [Theory]
    [InlineData("xyz", null, "<address> \"xyz\" is not a number")]
    [InlineData("0x1000", "0", "--length \"0\" (0x0) is out of range: it must be from 0x1 to 0x100000.")]
    [InlineData("0x1000", "0x100001", "--length \"0x100001\"")]
    [InlineData("0xFFFFFFFFFFFFFFFF", "2", "runs past the end of the address space")]
    public void Db_rejects_bad_numbers_with_exit_2(string address, string? length, string message)
    {
        var dump = SimulatedDump();
        var args = length is null ? new[] { "db", dump, address } : ["db", dump, address, "--length", length];
        var result = CliRunner.Run(args);
        result.Exit.Should().Be(2);
        result.Error.Should().Contain(message);
    }

    [Fact]
    public void A_scenario_can_declare_driver_memory_that_lands_in_the_dump()
    {
        var scenario = Scenario("""
            { "memory": [ { "space": "Virtual", "address": "0xFFFF800010000000", "size": "0x2000", "text": "ring buffer" } ],
              "callbacks": [ { "reason": "AddPages", "component": "a.sys", "ranges": [ { "space": "Virtual", "address": "0xFFFF800010000000", "pages": 2 } ] } ] }
            """);
        var dump = Temp(".dmp");
        CliRunner.Run("simulate", "--scenario", scenario, "--out", dump).Exit.Should().Be(0);
        var result = CliRunner.Run("db", dump, "0xFFFF800010000000", "--length", "0x10");
        result.Out.Should().Contain("ring buffer");
    }

    [Theory]
    [InlineData("""{ "memory": [ { "space": "Virtual", "address": "0xFFFF800000001000", "size": "0x1000" } ], "callbacks": [] }""", "$.memory[0] (0xFFFF800000001000..0xFFFF800000001FFF) overlaps the default memory map's region 2 (0xFFFF800000000000..0xFFFF8000003FFFFF)")]
    [InlineData("""{ "memory": [ { "space": "Virtual", "address": "0x123", "size": "0x1000" } ], "callbacks": [] }""", "$.memory[0]")]
    [InlineData("""{ "memory": [ { "space": "Virtual", "address": "0x10000", "size": "0x1000", "text": "\u0001" } ], "callbacks": [] }""", "$.memory[0].text")]
    [InlineData("""{ "memory": [ null ], "callbacks": [] }""", "$.memory[0]")]
    public void A_bad_memory_region_is_a_scenario_error(string json, string message)
    {
        var result = CliRunner.Run("simulate", "--scenario", Scenario(json), "--out", Temp(".dmp"));
        result.Exit.Should().Be(2, result.Out);
        result.Error.Should().Contain(message);
        result.Error.Should().NotContain("   at ");
    }

    private static BugCheckCallbacks.Simulation.BugCheckOutcome BugCheckOutcomeJson(string json) => BugCheckCallbacks.Simulation.BugCheckOutcome.FromJson(json);

    private string SimulatedDump()
    {
        var path = Temp(".dmp");
        CliRunner.Run("simulate", "--out", path).Exit.Should().Be(0);
        return path;
    }

    private string Scenario(string json)
    {
        var path = Temp(".json");
        File.WriteAllText(path, json);
        return path;
    }

    private string Temp(string extension)
    {
        var path = CliRunner.TempPath(extension);
        _files.Add(path);
        _files.Add(OutcomeReport.PathFor(path));
        return path;
    }

    [System.Text.RegularExpressions.GeneratedRegex("\"duration\": \"[^\"]*\"")]
    private static partial System.Text.RegularExpressions.Regex CallDuration();
}
