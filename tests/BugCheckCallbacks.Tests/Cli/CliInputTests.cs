using System.Buffers.Binary;
using System.Text.RegularExpressions;
using BugCheckCallbacks.Cli;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Tests.Dump;

namespace BugCheckCallbacks.Tests.Cli;

/// <summary>Every input the CLI reads: numbers in WinDbg's forms, and a table of hostile arguments, scenarios and files.</summary>
public sealed partial class CliInputTests : IClassFixture<CliInputTests.Files>
{
    private readonly Files _files;

    public CliInputTests(Files files) => _files = files;

    public static TheoryData<string, ulong> NumberForms() => new()
    {
        { "D1", 0xD1 },
        { "00000050", 0x50 },
        { "0x50", 0x50 },
        { "0X50", 0x50 },
        { "0n80", 80 },
        { "0N80", 80 },
        { "0t120", 80 },
        { "0y1010000", 80 },
        { "ffff`f800`00001000", 0xFFFFF80000001000 },
        { "0xFFFF`F800`0000`1000", 0xFFFFF80000001000 },
        { "0n1`000", 1000 },
        { " 1f ", 0x1F },
        { "FFFFFFFFFFFFFFFF", ulong.MaxValue },
        { "0n18446744073709551615", ulong.MaxValue },
    };

    [Theory]
    [MemberData(nameof(NumberForms))]
    public void Numbers_are_read_as_WinDbg_reads_them(string text, ulong expected)
    {
        NumberText.TryParse(text, out var value).Should().BeTrue();
        value.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("xyz")]
    [InlineData("0x")]
    [InlineData("0n")]
    [InlineData("0nFF")]
    [InlineData("0t8")]
    [InlineData("0y2")]
    [InlineData("0z10")]
    [InlineData("`10")]
    [InlineData("10`")]
    [InlineData("1``0")]
    [InlineData("-1")]
    [InlineData("10000000000000000")]
    [InlineData("0n18446744073709551616")]
    [InlineData("0y11111111111111111111111111111111111111111111111111111111111111111")]
    public void Anything_else_is_not_a_number(string text) => NumberText.TryParse(text, out _).Should().BeFalse();

    [Fact]
    public void Every_form_in_the_docs_table_works_on_the_command_line_and_in_a_scenario()
    {
        var rows = DocsNumberRow().Matches(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "cli.md"))).ToArray();
        rows.Should().HaveCountGreaterThanOrEqualTo(6, "docs/cli.md has a table of number forms");
        foreach (var row in rows)
        {
            var (form, value) = (row.Groups["form"].Value, row.Groups["value"].Value);
            var expected = Convert.ToUInt64(value, 16);
            NumberText.TryParse(form, out var parsed).Should().BeTrue(form);
            parsed.Should().Be(expected, form);
            var json = CliRunner.Run("simulate", "--scenario", _files.Scenario($$"""{ "bugCheck": { "parameters": ["{{form}}"] }, "callbacks": [] }"""), "--param2", form, "--out", _files.Temp(".dmp"), "--json");
            json.Exit.Should().Be(0, json.Error);
            json.Out.Should().Contain($"\"bugCheckParameter1\": \"0x{expected:X}\"").And.Contain($"\"bugCheckParameter2\": \"0x{expected:X}\"");
        }
    }

    [Fact]
    public void Every_scenario_number_field_takes_a_JSON_number_or_a_WinDbg_string()
    {
        var scenario = _files.Scenario("""
            { "secondaryDataBudget": "0n4194304", "multiPartReservation": "0n144", "callTimeBudgetMs": 250, "bugCheck": { "code": "9f", "parameters": [1, "0x2"] },
              "memory": [ { "address": "ffff8000`10000000", "size": 4096 } ],
              "callbacks": [
                { "reason": "addpages", "component": "a.sys", "ranges": [ { "space": "physical", "address": "100000", "pages": "0n2" } ] },
                { "reason": "TRIAGEDUMPDATA", "component": "t.sys", "blocks": [ { "address": "0xFFFF800010000000", "size": "0n16" } ] },
                { "reason": "SecondaryMultiPartDumpData", "component": "m.sys", "guid": "11111111-1111-1111-1111-111111111111", "size": "0x10", "parts": "3" },
                { "reason": "DumpIo", "component": "d.sys", "deregisterOnCall": "0n2", "fault": "none" } ] }
            """);
        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"), "--json");
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain("\"bugCheckCode\": 159").And.Contain("\"bugCheckParameter2\": \"0x2\"");
    }

    [Fact]
    public void An_output_that_is_an_input_is_refused_and_the_input_is_untouched()
    {
        var scenario = _files.Scenario("""{ "callbacks": [] }""");
        var scenarioBytes = File.ReadAllBytes(scenario);
        var simulate = CliRunner.Run("simulate", "--scenario", scenario, "--out", scenario, "--quiet");
        (simulate.Exit, simulate.Error).Should().Match<(int, string)>(r => r.Item1 == 2 && r.Item2.Contains("would destroy the input"));
        File.ReadAllBytes(scenario).Should().Equal(scenarioBytes);

        var dump = _files.Temp(".dmp");
        CliRunner.Run("simulate", "--out", dump, "--quiet").Exit.Should().Be(0);
        var dumpBytes = File.ReadAllBytes(dump);
        var link = _files.Temp(".dmp");
        File.CreateSymbolicLink(link, dump);
        foreach (var output in new[] { dump, link, OutcomeReport(dump) })
        {
            var extract = CliRunner.Run("extract", dump, "--tag", "5707e5a1-0000-4000-8000-000000000001", "--out", output);
            (extract.Exit, extract.Error).Should().Match<(int, string)>(r => r.Item1 == 2 && r.Item2.Contains("would destroy the input"), output);
        }

        File.ReadAllBytes(dump).Should().Equal(dumpBytes);
    }

    [UnixFact]
    public void A_hard_link_to_an_input_is_refused_as_the_input_is()
    {
        var dump = _files.Temp(".dmp");
        CliRunner.Run("simulate", "--out", dump, "-q").Exit.Should().Be(0);
        var link = _files.Temp(".dmp");
        using (var ln = System.Diagnostics.Process.Start("ln", [dump, link]))
        {
            ln.WaitForExit();
            ln.ExitCode.Should().Be(0);
        }

        var before = File.ReadAllBytes(dump);
        var result = CliRunner.Run("extract", dump, "--tag", "5707e5a1-0000-4000-8000-000000000001", "--out", link);
        result.Exit.Should().Be(2);
        result.Error.Should().Contain("would destroy the input");
        File.ReadAllBytes(dump).Should().Equal(before);
        FileIdentity.Of(link).Should().NotBeNull().And.Be(FileIdentity.Of(dump));
        FileIdentity.Of(_files.Temp(".none")).Should().BeNull("a file that does not exist has no identity");
    }

    [Fact]
    public void Outputs_are_written_beside_their_target_and_renamed_into_place_leaving_no_temporary_file()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"bugcheck-out-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var dump = Path.Combine(folder, "crash.dmp");
            File.WriteAllText(dump, "an older file");
            CliRunner.Run("simulate", "--out", dump, "--quiet").Exit.Should().Be(0);
            CliRunner.Run("extract", dump, "--tag", "5707e5a1-0000-4000-8000-000000000001", "--out", Path.Combine(folder, "blob.bin")).Exit.Should().Be(0);
            BugCheckCallbacks.Dump.DumpFile.HasSignature(File.ReadAllBytes(dump).AsSpan(0, 8)).Should().BeTrue("the new dump replaced the older file");
            Directory.GetFiles(folder, "*.tmp").Should().BeEmpty();
            new FileInfo(Path.Combine(folder, "blob.bin")).Length.Should().Be(6000);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void A_simulate_killed_while_it_writes_leaves_the_old_output_and_no_temporary_file()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGTERM is POSIX; the rename-into-place itself is tested above on every OS
        }

        var folder = Path.Combine(Path.GetTempPath(), $"bugcheck-kill-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var scenario = Path.Combine(folder, "big.json");
            File.WriteAllText(scenario, """{ "dumpType": "Full", "memory": [ { "space": "Physical", "address": "0x100000000", "size": "0x100000000" } ], "callbacks": [] }""");
            var dump = Path.Combine(folder, "crash.dmp");
            File.WriteAllText(dump, "an older file");
            var cli = Path.Combine(AppContext.BaseDirectory, "bugcheck.dll");
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("dotnet", [cli, "simulate", "--scenario", scenario, "--out", dump, "--quiet"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
            var started = System.Diagnostics.Stopwatch.StartNew();
            while (Directory.GetFiles(folder, "*.tmp").Length == 0 && !process.HasExited && started.Elapsed < TimeSpan.FromSeconds(30))
            {
                Thread.Sleep(10);
            }

            process.HasExited.Should().BeFalse("the 4 GiB dump takes seconds to write");
            using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)])!)
            {
                kill.WaitForExit();
            }

            process.WaitForExit(30_000).Should().BeTrue();
            Directory.GetFiles(folder, "*.tmp").Should().BeEmpty("the temporary files go with the process");
            File.ReadAllText(dump).Should().Be("an older file");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    public static TheoryData<string, string> SpecialFiles() => new()
    {
        { "enumtag {fifo}", "is empty or not a regular file" },
        { "show /dev/zero", "is empty or not a regular file" },
        { "db {fifo} 0x1000", "is empty or not a regular file" },
        { "extract /dev/zero --tag 5707e5a1-0000-4000-8000-000000000001", "is empty or not a regular file" },
        { "simulate --scenario {fifo} --out {out}", "is empty or not a regular file" },
        { "simulate --scenario /dev/zero --out {out}", "is empty or not a regular file" },
        { "simulate --driver /dev/zero --out {out}", "is empty or not a regular file" },
        { "enumtag {empty}", "is empty or not a regular file" },
        { "enumtag {loop}", "cannot be opened" },
        { "simulate --scenario {loop} --out {out}", "cannot read the scenario" },
    };

    [Theory]
    [MemberData(nameof(SpecialFiles))]
    public async Task A_FIFO_a_device_an_empty_file_or_a_link_loop_is_exit_2_at_once(string command, string message)
    {
        if (OperatingSystem.IsWindows())
        {
            return; // FIFOs, /dev/zero and symbolic-link loops are POSIX
        }

        var fifo = _files.Temp(".fifo");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo])!)
        {
            mkfifo.WaitForExit();
        }

        var empty = _files.Temp(".dmp");
        File.WriteAllBytes(empty, []);
        var (a, b) = (_files.Temp(".dmp"), _files.Temp(".dmp"));
        File.CreateSymbolicLink(a, b);
        File.CreateSymbolicLink(b, a);
        var args = command.Replace("{fifo}", fifo, StringComparison.Ordinal).Replace("{empty}", empty, StringComparison.Ordinal)
            .Replace("{loop}", a, StringComparison.Ordinal).Replace("{out}", _files.Temp(".dmp"), StringComparison.Ordinal).Split(' ');
        var run = Task.Run(() => CliRunner.Run(args));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20)))).Should().BeSameAs(run, "a special file is refused at once, never opened and waited on");
        var result = await run;
        result.Exit.Should().Be(2, result.Error);
        result.Error.Should().Contain(message).And.NotContain("System.");
    }

    [Fact]
    public async Task A_special_file_as_the_outcome_report_beside_a_dump_is_one_warning_and_the_dump_is_still_shown()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var dump = _files.Temp(".dmp");
        File.Copy(_files.Dump, dump);
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [OutcomeReport(dump)])!)
        {
            mkfifo.WaitForExit();
        }

        var run = Task.Run(() => CliRunner.Run("show", dump));
        (await Task.WhenAny(run, Task.Delay(TimeSpan.FromSeconds(20)))).Should().BeSameAs(run, "the FIFO beside the dump is never opened");
        var result = await run;
        result.Exit.Should().Be(0, result.Error);
        result.Error.Should().Contain("not a regular file");
    }

    private static string OutcomeReport(string dump) => Path.ChangeExtension(dump, ".outcome.json");

    [Fact]
    public void A_scripted_callback_larger_than_the_region_is_cut_to_what_it_is_offered_not_accused()
    {
        var scenario = _files.Scenario("""
            { "callbacks": [ { "reason": "SecondaryDumpData", "component": "big.sys", "guid": "11111111-1111-1111-1111-111111111111", "size": 5000000 } ] }
            """);
        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"), "--json");

        result.Exit.Should().Be(0, "without a fault a script keeps the contract: " + result.Out);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("violations").GetArrayLength().Should().Be(0);
        json.RootElement.GetProperty("blobs").EnumerateArray().Single().GetProperty("size").GetUInt64().Should().BeGreaterThan(0).And.BeLessThan(5000000);
    }

    [Fact]
    public void The_multi_part_reservation_of_a_scenario_bounds_what_multi_part_callbacks_may_write()
    {
        var scenario = _files.Scenario("""
            { "multiPartReservation": "0x30",
              "callbacks": [ { "reason": "SecondaryMultiPartDumpData", "component": "m.sys", "guid": "11111111-1111-1111-1111-111111111111", "size": "0x10", "parts": 3 } ] }
            """);
        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"), "--json");

        // The script keeps the contract: it writes what part 1 is offered (the 0x30 reservation less a 0x20 blob header)
        // and, offered nothing after that, stops instead of asking again with nothing written.
        result.Exit.Should().Be(0, result.Out);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        var outcome = json.RootElement;
        outcome.GetProperty("violations").GetArrayLength().Should().Be(0);
        outcome.GetProperty("blobs").EnumerateArray().Select(b => b.GetProperty("size").GetUInt64()).Should().Equal(0x10UL);
    }

    [Theory]
    [InlineData("triage")]
    [InlineData("BITMAPKERNEL")]
    [InlineData("automatic")]
    public void Dump_type_names_are_case_insensitive(string name)
    {
        var result = CliRunner.Run("simulate", "--dump-type", name, "--order", "oldestfirst", "--out", _files.Temp(".dmp"), "--quiet");
        result.Exit.Should().Be(0, result.Error);
    }

    [Fact]
    public void Allow_large_lifts_the_scenario_limits_for_a_user_who_means_it()
    {
        var scenario = _files.Temp(".json");
        File.WriteAllText(scenario, """{ "callTimeBudgetMs": 20000, "callbacks": [ { "reason": "Reserved1", "component": "a.sys" } ] }""");
        CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"), "-q").Exit.Should().Be(2);
        var allowed = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"), "-q", "--allow-large");
        allowed.Exit.Should().Be(0, allowed.Error);
    }

    [Theory]
    [InlineData("simulate --out", "--out is an empty path")]
    [InlineData("simulate --scenario", "--scenario is an empty path")]
    [InlineData("simulate --html", "--html is an empty path")]
    [InlineData("extract {dump} --tag 5707e5a1-0000-4000-8000-000000000001 --out", "--out is an empty path")]
    [InlineData("report {dump} --out", "--out is an empty path")]
    [InlineData("show", "<file> is an empty path")]
    [InlineData("report", "<file> is an empty path")]
    public void An_empty_path_is_a_usage_error_in_one_line(string command, string message)
    {
        var dump = _files.Temp(".dmp");
        CliRunner.Run("simulate", "--out", dump, "-q").Exit.Should().Be(0);
        var result = CliRunner.Run([.. command.Replace("{dump}", dump, StringComparison.Ordinal).Split(' '), string.Empty]);
        result.Exit.Should().Be(2, result.Error);
        result.Error.Trim().Should().StartWith("error: ").And.Contain(message).And.NotContain("\n");
        result.Error.Trim().Split('\n').Should().ContainSingle();
    }

    /// <summary>
    /// Hostile arguments, scenarios and files for every command: {dump}, {dir}, {missing}, {text}, {truncated},
    /// {dump32}, {type4}, {region} and {scenario:…} are files the fixture makes.
    /// </summary>
    public static TheoryData<string, int, string> Hostile() => new()
    {
        { "", 2, "Required command" },
        { "bogus", 2, "bogus" },
        { "simulate --bogus", 2, "--bogus" },
        { "simulate --code xyz", 2, "--code \"xyz\" is not a number" },
        { "simulate --code 0x100000000", 2, "is out of range: it must be from 0x0 to 0xFFFFFFFF" },
        { "simulate --code 0n-1", 2, "--code \"0n-1\" is not a number" },
        { "simulate --param1 1``2", 2, "--param1 \"1``2\" is not a number" },
        { "simulate --param4 0x1FFFFFFFFFFFFFFFF", 2, "--param4" },
        { "simulate --dump-type Huge", 2, "--dump-type \"Huge\" is not one of Full, Summary, Header, Triage, BitmapFull, BitmapKernel, Automatic" },
        { "simulate --dump-type Invalid", 2, "is not one of Full" },
        { "simulate --dump-type Unknown", 2, "is not one of Full" },
        { "simulate --dump-type 0", 2, "is not one of Full" },
        { "simulate --order Sideways", 2, "--order \"Sideways\" is not one of NewestFirst, OldestFirst" },
        { "simulate --order 7", 2, "is not one of NewestFirst" },
        { "simulate --log everything", 2, "--log \"everything\" is not one of Bounded, All, None" },
        { "simulate --out {dir}", 2, "is a directory" },
        { "simulate --out {missing}/crash.dmp", 2, "does not exist" },
        { "simulate --scenario {missing}", 2, "cannot read the scenario" },
        { "simulate --scenario {dir}", 2, "is a directory" },
        { "simulate --scenario {scenario:{ \"dumpType\": 99, \"callbacks\": [] }}", 2, "($.dumpType): 99 is not one of Full" },
        { "simulate --scenario {scenario:{ \"dumpType\": \"Unknown\", \"callbacks\": [] }}", 2, "\"Unknown\" is not one of Full" },
        { "simulate --scenario {scenario:{ \"order\": 7, \"callbacks\": [] }}", 2, "($.order): 7 is not one of NewestFirst, OldestFirst" },
        { "simulate --scenario {scenario:{ \"callTimeBudgetMs\": 0, \"callbacks\": [] }}", 2, "$.callTimeBudgetMs: 0 must be from 1 to 600000" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ null ] }}", 2, "$.callbacks[0]: must be a callback object, not null" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"AddPages\", \"component\": \"a\", \"ranges\": [ null ] } ] }}", 2, "$.callbacks[0].ranges[0]: must be a range object" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"TriageDumpData\", \"component\": \"a\", \"blocks\": [ null ] } ] }}", 2, "$.callbacks[0].blocks[0]: must be a block object" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ 5 ] }}", 2, "this value is not a callback object" },
        { "simulate --scenario {scenario:{ \"dumpType\": \"Full\" }}", 2, "a scenario object needs the property \"callbacks\"" },
        { "simulate --scenario {scenario:{ \"driver\": \"\" }}", 2, "$.driver: must be the path of a driver library, not empty" },
        { "simulate --scenario {scenario:{ \"driver\": 5 }}", 2, "($.driver)" },
        { "simulate --driver {dir}", 2, "--driver \"" },
        { "simulate --driver {missing}", 2, "does not exist" },
        { "simulate --driver {text}", 2, "text.txt: cannot be loaded as a driver on this host: " },
        { "simulate --scenario {scenario:{ \"callbacks\": [], \"colour\": 1 }}", 2, "\"colour\" is not a property of a scenario object; its properties are description, dumpType" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a\", \"colour\": 1 } ] }}", 2, "\"colour\" is not a property of a callback object" },
        { "simulate --scenario {scenario:{ \"secondaryDataBudget\": \"0xZZ\", \"callbacks\": [] }}", 2, "$.secondaryDataBudget" },
        { "simulate --scenario {scenario:{ \"secondaryDataBudget\": -1, \"callbacks\": [] }}", 2, "-1 is not a whole number" },
        { "simulate --scenario {scenario:{ \"secondaryDataBudget\": 16, \"callbacks\": [] }}", 2, "$.secondaryDataBudget: 16 must be at least 48" },
        { "simulate --scenario {scenario:{ \"multiPartReservation\": -1, \"callbacks\": [] }}", 2, "-1 is not a whole number" },
        { "simulate --scenario {scenario:{ \"multiPartReservation\": \"0x1FFFFFFFF\", \"callbacks\": [] }}", 2, "$.multiPartReservation" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a\", \"size\": \"0x1FFFFFFFF\" } ] }}", 2, "is out of range: it must be from 0x0 to 0x7FFFFFFF" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a\", \"parts\": 0 } ] }}", 2, "$.callbacks[0].parts: 0 must be from 1 to 1024" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"SecondaryMultiPartDumpData\", \"component\": \"a\", \"guid\": \"11111111-1111-1111-1111-111111111111\", \"parts\": 100000 } ] }}", 2, "$.callbacks[0].parts: 100000 must be from 1 to 1024: the simulated kernel calls a multi-part callback at most 1024 times" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"SecondaryDumpData\", \"component\": \"a\" } ] }}", 2, "$.callbacks[0].guid: a SecondaryDumpData callback needs a guid" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"SecondaryMultiPartDumpData\", \"component\": \"a\" } ] }}", 2, "$.callbacks[0].guid: a SecondaryMultiPartDumpData callback needs a guid" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a\", \"fault\": 1 } ] }}", 2, "1 is not one of None, Throw" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a\", \"guid\": 5 } ] }}", 2, "this value is not a GUID string" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"Sideways\", \"component\": \"a\" } ] }}", 2, "\"Sideways\" is not one of Reserved1, SecondaryDumpData" },
        { "simulate --scenario {scenario:{ \"bugCheck\": { \"code\": \"0x100000000\" }, \"callbacks\": [] }}", 2, "$.bugCheck.code" },
        { "simulate --scenario {scenario:{ \"bugCheck\": { \"parameters\": [1, 2, 3, 4, 5] }, \"callbacks\": [] }}", 2, "KeBugCheckEx takes at most 4" },
        { "simulate --scenario {scenario:{ \"memory\": [ { \"address\": \"0x123\", \"size\": \"0x1000\" } ], \"callbacks\": [] }}", 2, "$.memory[0]" },
        { "simulate --scenario {scenario:not json}", 2, "line 1" },
        { "simulate --scenario {scenario:}", 2, "is empty or not a regular file" },
        { "enumtag", 2, "Required argument 'file' missing" },
        { "enumtag {missing}", 2, "does not exist" },
        { "enumtag {dir}", 2, "is a directory" },
        { "enumtag {text}", 3, "neither an x64 kernel dump" },
        { "enumtag {truncated}", 3, "truncated" },
        { "enumtag {dump32}", 3, "32-bit kernel dump" },
        { "enumtag {type4}", 3, "SizeOfDump 0x" },
        { "enumtag {dir}/nomatch*.dmp", 2, "no file matches the pattern" },
        { "enumtag {dump} {text}", 3, "neither an x64 kernel dump" },
        { "enumtag {dump} --json {truncated}", 3, "truncated" },
        { "extract {dump}", 2, "--tag" },
        { "extract {dump} --tag nope", 2, "--tag \"nope\" is not a GUID" },
        { "extract {dump} --tag 00000000-0000-0000-0000-000000000000", 2, "no secondary-data block has this tag" },
        { "extract {dump} --tag 5707e5a1-0000-4000-8000-000000000001 --part 0", 2, "--part \"0\" is out of range: parts count from 1" },
        { "extract {dump} --tag 5707e5a1-0000-4000-8000-000000000001 --part a", 2, "--part \"a\" is not a part number: parts count from 1, in decimal" },
        { "extract {dump} --tag 1e7a1e7a-0000-4000-8000-00000000000a --part 10", 2, "--part 10: only 3 block(s)" },
        { "simulate --code FFFFFFFFFFFFFFFFF", 2, "--code \"FFFFFFFFFFFFFFFFF\" is out of range: it is more than 64 bits" },
        { "extract {dump} --tag 5707e5a1-0000-4000-8000-000000000001 --part 2", 2, "--part 2: only 1 block(s)" },
        { "extract {dump} --tag 5707e5a1-0000-4000-8000-000000000001 --out {dir}", 2, "is a directory" },
        { "extract {dump} --tag 5707e5a1-0000-4000-8000-000000000001 --out {missing}/x.bin", 2, "does not exist" },
        { "extract {text} --tag 5707e5a1-0000-4000-8000-000000000001", 3, "neither an x64 kernel dump" },
        { "show {region}", 2, "is a bare DumpBlob region, not a kernel dump" },
        { "show {missing}", 2, "does not exist" },
        { "show {truncated}", 3, "truncated" },
        { "show {type4} --json", 3, "SizeOfDump 0x" },
        { "db {dump} xyz", 2, "<address> \"xyz\" is not a number" },
        { "db {dump}", 2, "Required argument 'address' missing" },
        { "db {dump} 1000 --length 0", 2, "--length \"0\" (0x0) is out of range" },
        { "db {dump} FFFFFFFFFFFFFFFF --length 2", 2, "runs past the end of the address space" },
        { "db {missing} 1000", 2, "does not exist" },
        { "db {text} 1000", 3, "shorter than the 0x2000-byte DUMP_HEADER64" },
        { "modules", 2, "Required argument 'file' missing" },
        { "modules {missing}", 2, "does not exist" },
        { "modules {dir}", 2, "is a directory" },
        { "modules {text}", 3, "shorter than the 0x2000-byte DUMP_HEADER64" },
        { "modules {truncated}", 3, "truncated" },
        { "callbacks {missing}", 2, "does not exist" },
        { "callbacks {truncated}", 3, "truncated" },
        { "callbacks {dump32}", 3, "32-bit kernel dump" },
        { "callbacks {dump} --head Reason", 2, "--head \"Reason\" is not LIST=ADDRESS: LIST is Classic, Reason or AddRemovePages" },
        { "callbacks {dump} --head Sideways=0x1000", 2, "--head \"Sideways=0x1000\" is not LIST=ADDRESS" },
        { "callbacks {dump} --head 1=0x1000", 2, "--head \"1=0x1000\" is not LIST=ADDRESS" },
        { "callbacks {dump} --head Reason=xyz", 2, "--head \"xyz\" is not a number" },
        { "callbacks {dump} --head Reason=1 --head reason=2", 2, "--head names the Reason list twice" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a\", \"tamper\": \"Erase\" } ] }}", 2, "\"Erase\" is not one of WrongChecksum, RoutineOutsideModules, BrokenLink, Hidden" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"DumpIo\", \"component\": \"a\", \"tamper\": 1 } ] }}", 2, "1 is not one of WrongChecksum" },
        { "reasons --bogus", 2, "--bogus" },
        { "scenario --bogus", 2, "--bogus" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"Reserved1\", \"component\": \"a.sys\" } ], \"callbacks\": [] }}", 2, "\"callbacks\" is given twice in a scenario object" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"Reserved1\", \"component\": \"a.sys\", \"component\": \"b.sys\" } ] }}", 2, "($.callbacks[0].component): \"component\" is given twice in a callback object" },
        { "simulate --scenario {scenario:{ \"memory\": [ { \"space\": \"Virtual\", \"address\": \"0xFFFF900000000000\", \"size\": \"0x10000000000\" } ], \"callbacks\": [ { \"reason\": \"Reserved1\", \"component\": \"a.sys\" } ] }}", 2, "$.memory: the regions describe 0x10000000000 bytes, more than the 0x100000000 (4 GiB) a scenario may" },
        { "simulate --scenario {scenario:{ \"callbacks\": [ { \"reason\": \"SecondaryDumpData\", \"component\": \"big0.sys\", \"guid\": \"5707e5a1-0000-4000-8000-000000000000\", \"size\": 67108864 }, { \"reason\": \"SecondaryDumpData\", \"component\": \"big1.sys\", \"guid\": \"5707e5a1-0000-4000-8000-000000000001\", \"size\": 67108864 }, { \"reason\": \"SecondaryDumpData\", \"component\": \"big2.sys\", \"guid\": \"5707e5a1-0000-4000-8000-000000000002\", \"size\": 67108864 }, { \"reason\": \"SecondaryDumpData\", \"component\": \"big3.sys\", \"guid\": \"5707e5a1-0000-4000-8000-000000000003\", \"size\": 67108864 }, { \"reason\": \"SecondaryDumpData\", \"component\": \"big4.sys\", \"guid\": \"5707e5a1-0000-4000-8000-000000000004\", \"size\": 67108864 } ] }}", 2, "their buffers take 335,544,320 bytes together, more than the 268,435,456 (256 MiB, 0x10000000)" },
        { "simulate --scenario {scenario:{ \"callTimeBudgetMs\": 600000, \"callbacks\": [ { \"reason\": \"Reserved1\", \"component\": \"a.sys\", \"fault\": \"Slow\" } ] }}", 2, "$.callTimeBudgetMs: 600000 is more than 10000 ms; a Slow callback would spin that long (--allow-large lifts" },
        { "check --driver {missing}", 2, "does not exist" },
        { "check --driver {text}", 2, "--driver: " },
        { "check --driver {text} --situations abc", 2, "--situations \"abc\" is not a count from 0 to 100000, in decimal" },
        { "check --driver {text} --seed -1", 2, "--seed \"-1\" is not a seed from 0 to 2147483647, in decimal" },
        { "check", 2, "--driver" },
        { "vtop {dump} zz", 2, "<address> \"zz\" is not a number" },
        { "vtop {missing} 0x1000", 2, "does not exist" },
        { "dq {dump} 0x1000 --length 0", 2, "--length \"0\" (0x0) is out of range" },
        { "dd {truncated} 0x1000", 3, "truncated" },
        { "enumtag @/dev/zero", 2, "<file> \"@/dev/zero\" does not exist" },
        { "report {dir}", 2, "is a directory" },
        { "report {text}", 3, "is neither an x64 kernel dump" },
        { "simulate --expect @x.sys", 2, "is not CODE@COMPONENT" },
        { "simulat", 2, "'simulat' is not a bugcheck command: did you mean 'simulate'?" },
        { "simulate --dump-typ Full", 2, "'--dump-typ' is not an option of 'bugcheck simulate': did you mean '--dump-type'?" },
        { "enumtg {dump}", 2, "did you mean 'enumtag'?" },
        { "db {dump}", 2, "Required argument 'address' missing" },
        { "simulate --scenario {scenario:   }", 2, "the file holds no JSON; a scenario is one object" },
    };

    [Theory]
    [MemberData(nameof(Hostile))]
    public void Every_hostile_input_gets_its_exit_code_and_one_message_without_a_stack_trace(string command, int exit, string message)
    {
        var result = CliRunner.Run(_files.Arguments(command));
        result.Exit.Should().Be(exit, "{0}\n{1}", result.Error, result.Out);
        result.Error.Should().Contain(message);
        result.Error.TrimEnd().Should().NotContain("\n", "every bad input is one line: a parse error, a driver that cannot be loaded, a bad file");

        (result.Out + result.Error).Should().NotMatchRegex(@"\n\s+at \S+\(", "no stack frame is ever printed")
            .And.NotContain("BugCheckCallbacks.Cli.", "no .NET type name leaks into a message")
            .And.NotContain("System.");
    }

    [GeneratedRegex(@"^\| (`+) ?(?<form>[^|]+?) ?\1 \| 0x(?<value>[0-9A-F]+) \|", RegexOptions.Multiline)]
    private static partial Regex DocsNumberRow();

    /// <summary>The files the hostile table refers to, made once.</summary>
    public sealed partial class Files : IDisposable
    {
        private readonly string _folder = Directory.CreateTempSubdirectory("bugcheck-cli-").FullName;
        private int _next;

        public Files()
        {
            Dump = Temp(".dmp");
            CliRunner.Run("simulate", "--out", Dump, "--quiet").Exit.Should().Be(0);
            var bytes = File.ReadAllBytes(Dump);
            Write("truncated.dmp", bytes[..^10]);
            var dump32 = bytes[..0x3000];
            "DUMP"u8.CopyTo(dump32.AsSpan(4));
            Write("dump32.dmp", dump32);
            var type4 = bytes[..0x3000];
            BinaryPrimitives.WriteUInt32LittleEndian(type4.AsSpan(0xF98), 4);
            Write("type4.dmp", type4);
            using (var dump = BugCheckCallbacks.Dump.DumpFile.Open(Dump))
            {
                Write("region.bin", bytes[(int)dump.SecondaryDataOffset..]);
            }

            Write("text.txt", "hello, this is not a dump"u8.ToArray());
            Directory.CreateDirectory(Path.Combine(_folder, "dir"));
        }

        public string Dump { get; }

        public string Temp(string extension) => Path.Combine(_folder, $"file{Interlocked.Increment(ref _next)}{extension}");

        public string Scenario(string json)
        {
            var path = Temp(".json");
            File.WriteAllText(path, json);
            return path;
        }

        /// <summary>Splits a table row into arguments, replacing the placeholders with the fixture's files.</summary>
        public string[] Arguments(string command)
        {
            var scenario = ScenarioPlaceholder().Match(command);
            if (scenario.Success)
            {
                command = command.Replace(scenario.Value, Scenario(scenario.Groups["json"].Value), StringComparison.Ordinal);
            }

            return command.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Select(a => a
                    .Replace("{dump}", Dump, StringComparison.Ordinal)
                    .Replace("{dir}", Path.Combine(_folder, "dir"), StringComparison.Ordinal)
                    .Replace("{missing}", Path.Combine(_folder, "missing"), StringComparison.Ordinal)
                    .Replace("{text}", Path.Combine(_folder, "text.txt"), StringComparison.Ordinal)
                    .Replace("{truncated}", Path.Combine(_folder, "truncated.dmp"), StringComparison.Ordinal)
                    .Replace("{dump32}", Path.Combine(_folder, "dump32.dmp"), StringComparison.Ordinal)
                    .Replace("{type4}", Path.Combine(_folder, "type4.dmp"), StringComparison.Ordinal)
                    .Replace("{region}", Path.Combine(_folder, "region.bin"), StringComparison.Ordinal))
                .ToArray();
        }

        public void Dispose() => Directory.Delete(_folder, recursive: true);

        private void Write(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(_folder, name), bytes);

        [GeneratedRegex(@"\{scenario:(?<json>.*)\}(?=$| --)")]
        private static partial Regex ScenarioPlaceholder();
    }
}
