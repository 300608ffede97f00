using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;

namespace BugCheckCallbacks.Tests.Cli;

/// <summary>What a newcomer met on a first try of the CLI (issue 36): each answer as it should be.</summary>
public sealed class NewcomerTests : IClassFixture<CliInputTests.Files>
{
    private readonly CliInputTests.Files _files;

    public NewcomerTests(CliInputTests.Files files) => _files = files;

    [Theory]
    [InlineData("enumtag")]
    [InlineData("show")]
    public void Each_error_line_of_a_batch_names_its_file(string command)
    {
        var truncated = _files.Temp(".dmp");
        File.WriteAllBytes(truncated, File.ReadAllBytes(_files.Dump).AsSpan(0, 0x90).ToArray());

        var result = CliRunner.Run(command, _files.Dump, truncated, "-q");

        result.Exit.Should().Be(3);
        result.Error.Trim().Should().StartWith($"error: {truncated}: Invalid dump at offset").And.NotContain(_files.Dump);
    }

    [Theory]
    [InlineData("show", "--jsn", "--json")]
    [InlineData("enumtag", "--jsn", "--json")]
    [InlineData("show", "--no-colour", "--no-color")]
    public void A_misspelled_option_is_not_read_as_a_file(string command, string typo, string meant)
    {
        var result = CliRunner.Run(command, typo, _files.Dump);

        result.Exit.Should().Be(2);
        result.Out.Should().BeEmpty("nothing runs when the command line is wrong");
        result.Error.Should().Contain($"'{typo}' is not an option of 'bugcheck {command}': did you mean '{meant}'?");
    }

    [Theory]
    [InlineData("BCV0001@FAULTY.SYS")]
    [InlineData("bcv0001@Faulty.Sys")]
    public void An_expectation_matches_its_component_and_code_in_any_case(string expect)
    {
        var result = CliRunner.Run("simulate", "--out", _files.Temp(".dmp"), "--expect", expect, "--expect", "BCV0004@Verbose.sys", "--quiet");

        result.Exit.Should().Be(0, "module names are case-insensitive on Windows, and reasons and dump types match in any case already: " + result.Out + result.Error);
    }

    [Fact]
    public void ExpectedViolation_equality_ignores_case_as_module_names_do()
    {
        var violation = new Violation(ViolationKind.CallbackThrew, BugCheckPhase.SecondaryData, null, "faulty.sys", 0, 1, "x");

        new ExpectedViolation("FAULTY.SYS", "bcv0001").Matches(violation).Should().BeTrue();
        new ExpectedViolation("FAULTY.SYS", "BCV0001").Should().Be(new ExpectedViolation("faulty.sys", "bcv0001"));
        new ExpectedViolation("FAULTY.SYS", "BCV0001").GetHashCode().Should().Be(new ExpectedViolation("faulty.sys", "bcv0001").GetHashCode());
        new ExpectedViolation("other.sys", "BCV0001").Matches(violation).Should().BeFalse();
    }

    [Fact]
    public void A_component_in_another_case_shares_the_image_of_its_module()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DetectAllocations = false });
        kernel.Register(BugCheckCallbackReason.Reserved1, "HAL.DLL", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.Reserved1, "mydriver.sys", (_, _, _) => { });
        kernel.Register(BugCheckCallbackReason.Reserved1, "MyDriver.SYS", (_, _, _) => { });

        var outcome = kernel.KeBugCheckEx(0xE2, sink: new BugCheckCallbacks.Dump.InMemoryDumpSink());

        outcome.Kernel!.Modules.Select(m => m.Name).Should().Equal(["ntoskrnl.exe", "hal.dll", "mydriver.sys"], "HAL.DLL is hal.dll, MyDriver.SYS is mydriver.sys");
    }

    [Theory]
    [InlineData("300000000", "their buffers take 300,000,000 bytes together, more than the 268,435,456 (256 MiB, 0x10000000)", "--allow-large lifts these limits")]
    [InlineData("99999999999999999999", "($.callbacks[0].size)", "from 0x0 to 0x7FFFFFFF")]
    public void Scenario_size_errors_state_one_limit_and_how_to_lift_it(string size, string message, string more)
    {
        var scenario = _files.Scenario($$"""{ "callbacks": [ { "reason": "SecondaryDumpData", "component": "big.sys", "guid": "5707e5a1-0000-4000-8000-000000000000", "size": {{size}} } ] }""");

        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"));

        result.Exit.Should().Be(2);
        result.Error.Should().Contain(message).And.Contain(more).And.NotContain("67108864");
    }

    [Fact]
    public void A_scenario_file_past_16_MiB_is_refused_before_it_is_parsed_unless_allowed()
    {
        // One 100 MB string was accepted and peaked at 745 MB: the file's size is a scenario limit now.
        var scenario = _files.Scenario("{ \"description\": \"" + new string('x', 17 << 20) + "\", \"callbacks\": [] }");

        var refused = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"));
        var allowed = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"), "--allow-large", "-q");

        (refused.Exit, allowed.Exit).Should().Be((2, 0), allowed.Error);
        refused.Error.Should().Contain("bytes; a scenario may have at most 16,777,216 (16 MiB; --allow-large lifts it to 268,435,456)");
    }

    [Fact]
    public void The_overlap_error_names_both_regions_ranges()
    {
        var scenario = _files.Scenario("""{ "memory": [ { "address": "0xFFFF800000001000", "size": "0x1000" } ], "callbacks": [] }""");

        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"));

        result.Exit.Should().Be(2);
        result.Error.Should().Contain("$.memory[0] (0xFFFF800000001000..0xFFFF800000001FFF) overlaps the default memory map's region 2 (0xFFFF800000000000..0xFFFF8000003FFFFF)");
    }

    [Fact]
    public void Show_titles_count_every_row_not_only_those_printed()
    {
        var result = CliRunner.Run("show", _files.Dump);

        result.Exit.Should().Be(0, result.Error);
        var title = System.Text.RegularExpressions.Regex.Match(result.Out, @"Virtual memory map \((\d+)\)");
        var more = System.Text.RegularExpressions.Regex.Match(result.Out, @"\.\.\. and (\d+) more run\(s\) the page tables map");
        title.Success.Should().BeTrue();
        if (more.Success)
        {
            int.Parse(title.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(int.Parse(more.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), "the title counts the runs shown and the rest");
            result.Out.Should().NotContain("Virtual memory map (16)");
        }
    }

    [Fact]
    public void No_color_on_a_terminal_writes_no_escape_code_and_colour_writes_some()
    {
        var plain = CliRunner.Run(true, 120, "simulate", "--out", _files.Temp(".dmp"), "--no-color");
        var coloured = CliRunner.Run(true, 120, "simulate", "--out", _files.Temp(".dmp"));

        plain.Out.Should().NotContain("\u001b", "--no-color is plain text on a terminal too");
        coloured.Out.Should().Contain("\u001b[", "a terminal gets colour unless told otherwise");
    }

    [Fact]
    public void Modules_names_each_module_as_lm_does_beside_its_image()
    {
        var result = CliRunner.Run("modules", _files.Dump);

        result.Exit.Should().Be(0, result.Error);
        var rows = result.Out.Split('\n').Where(l => l.Contains('`')).Select(l => l.Split('│', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)).ToList();
        rows.Select(r => (r[2], r[3])).Should().Contain([("nt", "ntoskrnl.exe"), ("hal", "hal.dll"), ("faulty", "faulty.sys")]);
    }

    [Theory]
    [InlineData("ntoskrnl.exe", "nt")]
    [InlineData("NTKRNLMP.EXE", "nt")]
    [InlineData("hal.dll", "hal")]
    [InlineData("mydriver.sys", "mydriver")]
    [InlineData("noextension", "noextension")]
    public void The_debuggers_module_name_is_nt_for_the_kernel_else_the_file_name_without_extension(string image, string name) =>
        BugCheckCallbacks.Cli.Commands.ModulesCommand.DebuggerName(image).Should().Be(name);

    [Fact]
    public void An_outcome_report_written_before_shortfalls_existed_still_reads()
    {
        var json = new BugCheckOutcome().ToJson().Replace("\"shortfalls\": [],", string.Empty, StringComparison.Ordinal);
        json.Should().NotContain("shortfalls");

        BugCheckOutcome.FromJson(json).Shortfalls.Should().BeEmpty();
    }
}
