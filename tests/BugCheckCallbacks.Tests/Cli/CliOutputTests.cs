using System.Text.Json;
using System.Text.RegularExpressions;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Cli;

/// <summary>What the CLI prints: JSON documents, quiet runs, batches, narrow terminals, help, the scenario command.</summary>
public sealed class CliOutputTests : IClassFixture<CliInputTests.Files>
{
    private static readonly Guid s_ring = Guid.Parse("1e7a1e7a-0000-4000-8000-00000000000a");
    private readonly CliInputTests.Files _files;

    public CliOutputTests(CliInputTests.Files files) => _files = files;

    [Fact]
    public void Enumtag_json_is_one_versioned_document_with_hex_offsets_and_the_owners()
    {
        var result = CliRunner.Run("enumtag", _files.Dump, "--json");
        result.Exit.Should().Be(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("schemaVersion").GetInt32().Should().Be(1);
        var file = json.RootElement.GetProperty("files").EnumerateArray().Should().ContainSingle().Subject;
        file.GetProperty("kind").GetString().Should().Be("kernel dump");
        var tag = file.GetProperty("tags")[0];
        tag.GetProperty("tag").GetGuid().Should().Be(Guid.Parse("5707e5a1-0000-4000-8000-000000000001"));
        tag.GetProperty("size").GetUInt32().Should().Be(6000);
        tag.GetProperty("offset").GetString().Should().MatchRegex("^0x[0-9A-F]+$");
        tag.GetProperty("component").GetString().Should().Be("storport.sys");
    }

    [Fact]
    public void Show_json_has_the_header_runs_tags_and_the_report_with_64_bit_values_as_hex_strings()
    {
        var result = CliRunner.Run("show", _files.Dump, "--json");
        result.Exit.Should().Be(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var file = json.RootElement.GetProperty("files")[0];
        var header = file.GetProperty("header");
        header.GetProperty("bugCheckCode").GetString().Should().Be("0xD1");
        header.GetProperty("bugCheckParameters").EnumerateArray().Select(p => p.GetString()).Should().Equal("0xFFFFD00012345678", "0x2", "0x0", "0xFFFFF80000071000");
        header.GetProperty("layout").GetString().Should().Be("KernelBitmap");
        file.GetProperty("physicalMemoryRuns").GetArrayLength().Should().Be(2);
        file.GetProperty("tags").GetArrayLength().Should().Be(4);
        file.GetProperty("outcome").GetProperty("schemaVersion").GetInt32().Should().Be(2);
        file.GetProperty("outcome").GetProperty("bugCheckParameter1").GetString().Should().Be("0xFFFFD00012345678");
    }

    [Fact]
    public void Db_and_reasons_print_json_too()
    {
        var db = CliRunner.Run("db", _files.Dump, "ffff8000`00400000", "--length", "0n12", "--json");
        db.Exit.Should().Be(0, db.Error);
        using var memory = JsonDocument.Parse(db.Out);
        memory.RootElement.GetProperty("data").GetString().Should().Be(Convert.ToHexStringLower("triage.sys: "u8));
        memory.RootElement.GetProperty("address").GetString().Should().Be("0xFFFF800000400000");
        var reasons = CliRunner.Run("reasons", "--json");
        using var table = JsonDocument.Parse(reasons.Out);
        table.RootElement.GetProperty("reasons").GetArrayLength().Should().Be(10);
    }

    [Fact]
    public void Quiet_prints_nothing_and_the_exit_code_says_the_rest()
    {
        var simulate = CliRunner.Run("simulate", "--out", _files.Temp(".dmp"), "--quiet");
        (simulate.Exit, simulate.Out, simulate.Error).Should().Be((0, string.Empty, string.Empty));
        var bad = CliRunner.Run("enumtag", _files.Dump, _files.Arguments("{truncated}")[0], "-q");
        (bad.Exit, bad.Out).Should().Be((3, string.Empty));
        bad.Error.Should().Contain("truncated");
        CliRunner.Run("reasons", "-q").Out.Should().BeEmpty();
    }

    [Theory]
    [InlineData("simulate --out {new} -q --json", "\"schemaVersion\"")]
    [InlineData("enumtag {dump} -q --json", "\"tags\"")]
    [InlineData("show {dump} -q --json", "\"header\"")]
    [InlineData("db {dump} 0xFFFF800000400000 --length 0x10 -q", "ffff8000`00400000")]
    [InlineData("scenario -q", "\"callbacks\"")]
    [InlineData("reasons -q --json", "\"reasons\"")]
    public void Quiet_keeps_the_data_asked_for(string command, string expected)
    {
        var arguments = command.Replace("{new}", _files.Temp(".dmp"), StringComparison.Ordinal).Replace("{dump}", _files.Dump, StringComparison.Ordinal).Split(' ');
        var result = CliRunner.Run(arguments);
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain(expected);
        result.Out.Should().NotContain("Dump written to").And.NotContain("Result:", "--quiet drops the summaries");
    }

    [Fact]
    public void A_batch_prints_each_file_in_argument_order_and_exits_with_the_worst_code()
    {
        var second = _files.Temp(".dmp");
        CliRunner.Run("simulate", "--out", second, "--dump-type", "triage", "-q").Exit.Should().Be(0);
        var text = _files.Arguments("{text}")[0];
        var result = CliRunner.Run("enumtag", second, text, _files.Dump);
        result.Exit.Should().Be(3);
        result.Out.IndexOf($"== {second}", StringComparison.Ordinal).Should().BeLessThan(result.Out.IndexOf($"== {_files.Dump}", StringComparison.Ordinal));
        result.Error.Should().Contain("neither an x64 kernel dump");
        var json = CliRunner.Run("enumtag", second, text, _files.Dump, "--json");
        using var document = JsonDocument.Parse(json.Out);
        document.RootElement.GetProperty("files").EnumerateArray().Select(f => f.GetProperty("file").GetString()).Should().Equal(second, text, _files.Dump);
        document.RootElement.GetProperty("files")[1].GetProperty("error").GetProperty("exitCode").GetInt32().Should().Be(3);
    }

    [Fact]
    public void A_pattern_expands_to_the_files_it_matches_in_name_order()
    {
        var folder = Directory.CreateTempSubdirectory("bugcheck-glob-").FullName;
        try
        {
            File.Copy(_files.Dump, Path.Combine(folder, "b.dmp"));
            File.Copy(_files.Dump, Path.Combine(folder, "a.dmp"));
            var result = CliRunner.Run("show", Path.Combine(folder, "*.dmp"), "--json");
            result.Exit.Should().Be(0, result.Error);
            using var document = JsonDocument.Parse(result.Out);
            document.RootElement.GetProperty("files").EnumerateArray().Select(f => Path.GetFileName(f.GetProperty("file").GetString())).Should().Equal("a.dmp", "b.dmp");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Extract_part_reads_any_block_of_multi_part_data()
    {
        var result = CliRunner.Run("extract", _files.Dump, "--tag", s_ring.ToString(), "--part", "3");
        result.Exit.Should().Be(0, result.Error);
        result.RawOut.Should().HaveCount(1024);
        result.RawOut[0].Should().Be(2, "the built-in ring buffer writes its part number (from 0) into its first byte");
    }

    [Theory]
    [InlineData("reasons")]
    [InlineData("simulate")]
    [InlineData("show")]
    [InlineData("enumtag")]
    [InlineData("db")]
    public void On_an_80_column_terminal_no_line_is_wider_and_no_identifier_is_split(string command)
    {
        var args = command switch
        {
            "db" => ["db", _files.Dump, "0xFFFF800000400000", "--length", "0x40", "--no-color"],
            "simulate" => new[] { "simulate", "--out", _files.Temp(".dmp"), "--no-color" },
            "show" or "enumtag" => [command, _files.Dump, "--no-color"],
            _ => [command, "--no-color"],
        };
        var result = CliRunner.Run(true, 80, args);
        result.Exit.Should().Be(0, result.Error);
        result.Out.Split('\n').Should().OnlyContain(line => line.Length <= 80);
        var identifiers = new[] { "KbCallbackSecondaryMultiPartDumpData", "KBUGCHECK_SECONDARY_DUMP_DATA_EX", "SecondaryMultiPartDumpData", "{5707e5a1-0000-4000-8000-000000000001}", "OutputExceedsMaximumAllowed" };
        foreach (var identifier in identifiers.Where(i => CliRunner.Run(args).Out.Contains(i, StringComparison.Ordinal)))
        {
            result.Out.Should().Contain(identifier, "an identifier the piped output has is printed whole on a narrow terminal");
        }
    }

    [Fact]
    public void On_an_80_column_terminal_the_built_in_scenario_s_calls_are_one_compact_table()
    {
        var path = _files.Temp(".dmp");
        var result = CliRunner.Run(true, 80, "simulate", "--out", path, "--no-color");
        result.Exit.Should().Be(0, result.Error);
        var lines = result.Out.Split('\n');
        var first = Array.FindIndex(lines, l => l.Contains("Calls (16)", StringComparison.Ordinal));
        var last = Array.FindIndex(lines, first, l => l.StartsWith('╰'));
        (first, last).Should().Match<(int First, int Last)>(r => r.First >= 0 && r.Last > r.First);
        (last - first + 1).Should().BeLessThanOrEqualTo(40, "16 calls are 16 rows of one table, not 16 blocks");
        lines[first..(last + 1)].Should().OnlyContain(l => l.Length <= 80);
        CliRunner.MatchSnapshot(CliRunner.Scrub(string.Join('\n', lines[first..(last + 1)]), path), "simulate-80-calls");
    }

    [Fact]
    public void A_code_given_alone_warns_that_the_scenario_s_parameters_stay()
    {
        var result = CliRunner.Run("simulate", "--out", _files.Temp(".dmp"), "--code", "9f");
        result.Exit.Should().Be(0, result.Error);
        result.Error.Should().Be("warning: --code 0x9F keeps the scenario's parameters, written for 0xD1 (0xFFFFD00012345678, 0x2, 0x0, 0xFFFFF80000071000); give --param1 to --param4 to set this code's own.\n");
        CliRunner.Run("simulate", "--out", _files.Temp(".dmp"), "--code", "9f", "--param1", "3").Error.Should().BeEmpty("a parameter given says the user chose them");
    }

    [Theory]
    [InlineData("simulate")]
    [InlineData("db")]
    [InlineData("callbacks")]
    [InlineData("enumtag")]
    [InlineData("report")]
    [InlineData(null)]
    public void Every_help_example_pastes_into_a_shell_with_its_backticks_quoted(string? command)
    {
        var help = CliRunner.Run(command is null ? ["--help"] : [command, "--help"]);
        help.Exit.Should().Be(0);
        var examples = help.Out.Split('\n').SkipWhile(l => !l.StartsWith("Examples:", StringComparison.Ordinal)).Skip(1).TakeWhile(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        examples.Should().NotBeEmpty();
        examples.Select(l => Regex.Replace(l, "'[^']*'", string.Empty)).Should().OnlyContain(l => !l.Contains('`'), "a backtick outside single quotes is a command substitution in bash");
    }

    [Fact]
    public void Vtop_shows_each_level_and_the_physical_address_and_exits_1_when_it_does_not_translate()
    {
        var result = CliRunner.Run("vtop", _files.Dump, "ffff8000`00400000");
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().MatchRegex(@"(?m)^  PXE at 00000000`001ad800 \(table 00000000`001ad000, index 0x100\): [0-9a-f]{8}`[0-9a-f]{8}  valid, writable, next table");
        result.Out.Should().Contain("  PTE at ").And.MatchRegex(@"Physical address [0-9a-f]{8}`[0-9a-f]{8} \(page 0x[0-9a-f]+, file offset 0x[0-9A-F]+\)");
        using var dump = DumpFile.Open(_files.Dump);
        dump.TryTranslate(0xFFFF800000400000, out var physical).Should().BeTrue();
        using var json = JsonDocument.Parse(CliRunner.Run("vtop", _files.Dump, "0xFFFF800000400000", "--json").Out);
        json.RootElement.GetProperty("physicalAddress").GetString().Should().Be($"0x{physical:X}");
        json.RootElement.GetProperty("steps").GetArrayLength().Should().Be(4);
        var unmapped = CliRunner.Run("vtop", _files.Dump, "0x1234");
        (unmapped.Exit, unmapped.Out.Contains("Not translated: The PXE", StringComparison.Ordinal)).Should().Be((1, true));
    }

    [Fact]
    public void Dd_and_dq_print_little_endian_values_as_WinDbg_does()
    {
        var dd = CliRunner.Run("dd", _files.Dump, "0xFFFF800000400000", "--length", "0x10");
        dd.Exit.Should().Be(0, dd.Error);
        dd.Out.Should().Be("ffff8000`00400000  61697274 732e6567 203a7379 7473616c\n", "\"triage.sys: last\" read as four dwords");
        var dq = CliRunner.Run("dq", _files.Dump, "0xFFFF800000400000", "--length", "0x10");
        dq.Out.Should().Be("ffff8000`00400000  732e6567`61697274 7473616c`203a7379\n");
        CliRunner.Run("dq", _files.Dump, "0xFFFF800000400000", "--length", "1").Out.Split('\n')[0].Split("  ")[1].Should().HaveLength(17, "a length rounds up to whole values");
        CliRunner.Run("dd", _files.Dump, "0x1000", "--length", "8").Out.Should().Be("00000000`00001000  ???????? ????????\n");
    }

    [Fact]
    public void Show_lists_the_virtual_memory_map()
    {
        var result = CliRunner.Run("show", _files.Dump);
        result.Out.Should().Contain("Virtual memory map").And.Contain("0xFFFF800000400000").And.Contain("'bugcheck vtop FILE ADDRESS'");
        using var json = JsonDocument.Parse(CliRunner.Run("show", _files.Dump, "--json").Out);
        json.RootElement.GetProperty("files")[0].GetProperty("virtualMappings").GetArrayLength().Should().BeGreaterThan(16);
    }

    [Fact]
    public void Simulate_json_says_which_violations_were_expected_and_which_never_came()
    {
        var result = CliRunner.Run("simulate", "--out", _files.Temp(".dmp"), "--json", "--expect", "BCV0010@nobody.sys");
        result.Exit.Should().Be(1, "an expected violation never came");
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("expectedViolations").EnumerateArray().Select(e => $"{e.GetProperty("code").GetString()}@{e.GetProperty("component").GetString()}")
            .Should().BeEquivalentTo(["BCV0001@faulty.sys", "BCV0004@verbose.sys", "BCV0010@nobody.sys"]);
        json.RootElement.GetProperty("missingExpectations").EnumerateArray().Select(e => e.GetProperty("component").GetString()).Should().Equal("nobody.sys");
        result.Out.Should().NotContain("\\u00", "text is written as it is");
    }

    [Fact]
    public void Piped_output_never_wraps()
    {
        var result = CliRunner.Run("reasons");
        result.Out.Should().Contain("│ KbCallbackSecondaryMultiPartDumpData │ 5     │ KBUGCHECK_SECONDARY_DUMP_DATA_EX");
        result.Out.Split('\n').Where(l => l.StartsWith('│')).Should().HaveCount(11, "a header row and ten reasons, one line each");
    }

    [Fact]
    public void A_table_prints_at_most_a_thousand_rows_and_says_how_many_it_left_out()
    {
        var callbacks = string.Join(", ", Enumerable.Range(0, 1100).Select(i => $$"""{ "reason": "Reserved1", "component": "c{{i}}.sys" }"""));
        var result = CliRunner.Run("simulate", "--scenario", _files.Scenario($$"""{ "callbacks": [ {{callbacks}} ] }"""), "--out", _files.Temp(".dmp"));
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain("Calls (1100)").And.Contain("... and 100 more row(s) of \"Calls\"; --json and the outcome report have them all.");
        result.Out.Split('\n').Count(l => l.StartsWith("│ ", StringComparison.Ordinal)).Should().Be(1001, "a header row and 1,000 calls");
    }

    [Theory]
    [InlineData("none", "Calls: 16 calls made, none logged (--log none keeps the records' summaries and the violations; --log all keeps every call).")]
    [InlineData("ALL", "Calls (16)")]
    public void The_log_option_chooses_which_calls_the_outcome_keeps(string log, string title)
    {
        var result = CliRunner.Run("simulate", "--log", log, "--out", _files.Temp(".dmp"));
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain(title);
    }

    [Fact]
    public void Expected_violations_are_marked_as_such()
    {
        var result = CliRunner.Run("simulate", "--out", _files.Temp(".dmp"));
        result.Out.Should().MatchRegex(@"│ BCV0001 │ yes +│").And.MatchRegex(@"│ BCV0004 │ yes +│");
        var unexpected = CliRunner.Run("simulate", "--scenario", _files.Scenario("""{ "callbacks": [ { "reason": "DumpIo", "component": "bad.sys", "fault": "Allocate" } ] }"""), "--out", _files.Temp(".dmp"));
        unexpected.Out.Should().MatchRegex(@"│ BCV0003 │ NO +│");
    }

    [Theory]
    [InlineData("simulate", "--out <file>", "--code <n>")]
    [InlineData("enumtag", "<file>...", "--json")]
    [InlineData("extract", "<file>", "--tag <guid>")]
    [InlineData("db", "<address>", "--length <n>")]
    [InlineData("scenario", "--schema", "--quiet")]
    public void Help_shows_placeholders_defaults_examples_and_exit_codes(string command, string first, string second)
    {
        var result = CliRunner.Run(command, "--help");
        result.Exit.Should().Be(0);
        result.Out.Should().Contain(first).And.Contain(second).And.Contain("Examples:").And.Contain($"bugcheck {command}")
            .And.Contain("Exit codes:").And.Contain("4  internal error").And.Contain("0n decimal");
    }

    [Fact]
    public void The_exit_codes_docs_cli_md_lists_are_the_ones_the_tool_uses_and_its_help_prints()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "cli.md"));
        var section = docs[docs.IndexOf("## Exit codes", StringComparison.Ordinal)..docs.IndexOf("## JSON output", StringComparison.Ordinal)];
        var documented = System.Text.RegularExpressions.Regex.Matches(section, @"^\| (\d) \|", System.Text.RegularExpressions.RegexOptions.Multiline).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        var constants = typeof(BugCheckCallbacks.Cli.ExitCodes).GetFields().Select(f => (int)f.GetValue(null)!);
        documented.Should().BeEquivalentTo(constants);
        var help = CliRunner.Run("--help").Out;
        foreach (var code in constants)
        {
            help.Should().Contain($"\n  {code}  ");
        }
    }

    [Fact]
    public void Progress_bars_on_a_terminal_show_the_real_total()
    {
        var extract = CliRunner.Run(true, 120, "extract", _files.Dump, "--tag", "5707e5a1-0000-4000-8000-000000000001", "--out", _files.Temp(".bin"));
        extract.Exit.Should().Be(0, extract.Error);
        Plain(extract.Out).Should().MatchRegex(@"Extracting[^\n]* 5\.9 KiB").And.NotMatchRegex(@"[0-9.]+ ?[GTPE]i?B").And.NotContain("2147483647");
        var simulate = CliRunner.Run(true, 120, "simulate", "--out", _files.Temp(".dmp"));
        simulate.Exit.Should().Be(0, simulate.Error);
        Plain(simulate.Out).Should().MatchRegex(@"Writing dump[^\n]* 5\.2 MiB").And.NotMatchRegex(@"[0-9.]+ ?[GTPE]i?B").And.NotContain("2147483647");

        static string Plain(string text) => System.Text.RegularExpressions.Regex.Replace(text, @"\x1b\[[0-9;?]*[A-Za-z]", string.Empty);
    }

    [Fact]
    public void Scenario_prints_the_built_in_scenario_that_simulate_runs()
    {
        var result = CliRunner.Run("scenario");
        result.Exit.Should().Be(0);
        result.Out.Should().Be(ScenarioLoader.DefaultScenarioJson);
        var copy = _files.Scenario(result.Out);
        CliRunner.Run("simulate", "--scenario", copy, "--out", _files.Temp(".dmp"), "-q").Exit.Should().Be(0);
    }

    [Fact]
    public void The_scenario_schema_names_every_property_the_loader_reads()
    {
        var result = CliRunner.Run("scenario", "--schema");
        using var schema = JsonDocument.Parse(result.Out);
        var root = schema.RootElement;
        var definitions = root.GetProperty("$defs");
        Properties(root).Should().BeEquivalentTo(JsonNames(typeof(ScenarioFile)));
        Properties(root.GetProperty("properties").GetProperty("bugCheck")).Should().BeEquivalentTo(JsonNames(typeof(ScenarioBugCheck)));
        Properties(definitions.GetProperty("callback")).Should().BeEquivalentTo(JsonNames(typeof(ScenarioCallback)));
        Properties(definitions.GetProperty("range")).Should().BeEquivalentTo(JsonNames(typeof(ScenarioRange)));
        Properties(definitions.GetProperty("block")).Should().BeEquivalentTo(JsonNames(typeof(ScenarioBlock)));
        Properties(definitions.GetProperty("memory")).Should().BeEquivalentTo(JsonNames(typeof(ScenarioMemory)));
        definitions.GetProperty("dumpType").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Should().Equal(ScenarioEnums.DumpTypes.Select(d => d.ToString()));
        definitions.GetProperty("callback").GetProperty("properties").GetProperty("reason").GetProperty("enum").EnumerateArray().Select(e => e.GetString()).Should().Equal(ScenarioEnums.Reasons);

        static IEnumerable<string> Properties(JsonElement element) => element.GetProperty("properties").EnumerateObject().Select(p => p.Name);

        static IEnumerable<string> JsonNames(Type type) => type.GetProperties().Select(p => JsonNamingPolicy.CamelCase.ConvertName(p.Name));
    }

    [Fact]
    public void An_unexpected_exception_is_one_internal_error_line_with_exit_code_4()
    {
        var error = new StringWriter();
        var context = new BugCheckCallbacks.Cli.CliContext { Out = new StringWriter(), Error = error, OpenStandardOutput = () => Stream.Null };
        var exit = BugCheckCallbacks.Cli.BugCheckCli.Guard(context, () => throw new NotSupportedException("boom"));
        exit.Should().Be(4);
        error.ToString().Should().Be($"error: internal error (NotSupportedException): boom This is a bug in bugcheck.{Environment.NewLine}");
    }

    [Fact]
    public void Reading_an_outcome_report_with_plain_numbers_still_works()
    {
        // Every member the schema has, as a writer writes them (a report that leaves out a list is refused: it would be null).
        var json = new BugCheckCallbacks.Simulation.BugCheckOutcome().ToJson()
            .Replace("\"bugCheckParameter2\": \"0x0\"", "\"bugCheckParameter2\": 18446708889642860000", StringComparison.Ordinal)
            .Replace("\"bugCheckParameter4\": \"0x0\"", "\"bugCheckParameter4\": \"0xFFFFF80012345678\"", StringComparison.Ordinal);
        var outcome = BugCheckCallbacks.Simulation.BugCheckOutcome.FromJson(json);
        (outcome.BugCheckParameter2, outcome.BugCheckParameter4).Should().Be((18446708889642860000UL, 0xFFFFF80012345678UL));
        OutcomeReport.PathFor("a/crash.dmp").Should().Be(Path.Combine("a", "crash.outcome.json"));
    }
}
