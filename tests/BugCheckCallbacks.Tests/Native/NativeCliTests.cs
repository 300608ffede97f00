using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Cli;

namespace BugCheckCallbacks.Tests.Native;

/// <summary><c>bugcheck simulate --driver</c> and a scenario's <c>driver</c>: the sample driver through the CLI, and what it refuses.</summary>
[Collection(ManyBugChecks.Name)]
public sealed class NativeCliTests : IClassFixture<CliInputTests.Files>
{
    private readonly CliInputTests.Files _files;

    public NativeCliTests(CliInputTests.Files files) => _files = files;

    [NativeFact]
    public void Simulate_with_a_driver_alone_writes_its_blobs_and_enumtag_and_extract_read_them_back()
    {
        var dump = _files.Temp(".dmp");
        var blob = _files.Temp(".bin");

        var simulate = CliRunner.Run("simulate", "--driver", SampleDrivers.Storage, "--out", dump);
        var enumtag = CliRunner.Run("enumtag", dump);
        var extract = CliRunner.Run("extract", dump, "--tag", "8d0f3c52-9a41-4b7e-a1c3-2e5f6a7b8c9d", "--out", blob);

        (simulate.Exit, simulate.Error).Should().Be((0, string.Empty));
        simulate.Out.Should().Contain("storage").And.Contain("Result: no violations, and none was expected.");
        enumtag.Out.Should().Contain("{8D0F3C52-9A41-4B7E-A1C3-2E5F6A7B8C9D}", ".enumtag prints tags in upper case").And.Contain("5 tag(s)");
        extract.Exit.Should().Be(0);
        File.ReadAllBytes(blob).Should().Equal(Enumerable.Range(0, 1024).Select(i => (byte)i));
    }

    [NativeFact]
    public void Check_runs_the_sample_driver_through_every_situation_and_finds_nothing()
    {
        var result = CliRunner.Run("check", "--driver", SampleDrivers.Storage, "--situations", "4");
        result.Exit.Should().Be(0, result.Error + result.Out);
        result.Out.Should().Contain("SecondaryDumpData").And.Contain("TriageDumpData").And.Contain("Result: no findings in");
    }

    [NativeFact]
    public void Check_finds_the_faulty_twin_s_violations_names_their_situations_and_exits_1()
    {
        var result = CliRunner.Run("check", "--driver", SampleDrivers.Faulty, "--situations", "4", "--seed", "7", "--json");
        result.Exit.Should().Be(1, result.Error);
        using var json = System.Text.Json.JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("seed").GetInt32().Should().Be(7);
        var findings = json.RootElement.GetProperty("reasons").EnumerateArray().SelectMany(r => r.GetProperty("findings").EnumerateArray()).ToList();
        findings.Select(f => f.GetProperty("code").GetString()).Should().Contain(["BCV0015", "BCV0004"], "a nested bug check and an oversized answer");
        findings.Should().OnlyContain(f => f.GetProperty("situation").GetString()!.Length > 0);
        var text = CliRunner.Run("check", "--driver", SampleDrivers.Faulty, "--situations", "4", "--seed", "7");
        text.Out.Should().Contain("runs the same situations again").And.Contain("--seed 7");
    }

    [NativeFact]
    public void The_seed_check_prints_is_the_seed_it_read_so_its_replay_hint_replays_the_same_run()
    {
        // --seed was read as hex and printed in decimal: "--seed 10" printed "(seed 16)", whose hint ran other situations.
        var first = CliRunner.Run("check", "--driver", SampleDrivers.Faulty, "--seed", "10", "--situations", "2", "--json");
        using var json = System.Text.Json.JsonDocument.Parse(first.Out);
        json.RootElement.GetProperty("seed").GetInt32().Should().Be(10);
        var findings = json.RootElement.GetProperty("reasons").EnumerateArray().SelectMany(r => r.GetProperty("findings").EnumerateArray()).ToList();
        findings.Where(f => f.GetProperty("code").GetString() is "BCV0004").Should().OnlyContain(f => f.GetProperty("maximumAllowed").ValueKind == System.Text.Json.JsonValueKind.Number, "every secondary-data finding says what it was offered");
        CliRunner.Run("check", "--driver", SampleDrivers.Faulty, "--seed", "10", "--situations", "2").Out.Should().Contain("(seed 10)").And.Contain("--seed 10' runs the same situations again");

        var hex = CliRunner.Run("check", "--driver", SampleDrivers.Faulty, "--seed", "0x10");
        (hex.Exit, hex.Error.Trim()).Should().Be((2, "error: --seed \"0x10\" is not a seed from 0 to 2147483647, in decimal (as the findings print it)."));
    }

    [NativeFact]
    public void A_driver_that_registers_nothing_is_a_warning_for_check_and_simulate()
    {
        var empty = SampleDrivers.FromSource("NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p) { UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p); return STATUS_SUCCESS; }\n");
        var check = CliRunner.Run("check", "--driver", empty);
        (check.Exit, check.Error).Should().Be((0, $"warning: --driver \"{empty}\": DriverEntry registered no reason callback, so there is nothing to check.\n"));
        var simulate = CliRunner.Run("simulate", "--driver", empty, "--out", _files.Temp(".dmp"), "-q");
        simulate.Error.Should().Contain("DriverEntry registered no bug-check callback");
    }

    [NativeFact]
    public void Expect_declares_a_native_driver_s_violations_so_that_committing_exactly_them_exits_0()
    {
        // faulty.slow breaks the 10 ms budget of the library's tests, not the CLI's default one: it commits nothing here.
        var expected = NativeDriverTests.FaultyCallbacks().Where(row => (string)row[0] != "faulty.slow").Select(row => $"{VerifierRules.GetCode((ViolationKind)row[1])}@{row[0]}").ToList();
        var arguments = new List<string> { "simulate", "--driver", SampleDrivers.Faulty, "--out", _files.Temp(".dmp") };
        arguments.AddRange(expected.SelectMany(e => new[] { "--expect", e }));

        var all = CliRunner.Run([.. arguments]);
        all.Exit.Should().Be(0, all.Out);
        all.Out.Should().Contain($"each one the scenario expects");
        var one = CliRunner.Run([.. arguments.Take(arguments.Count - 2), "--expect", "BCV0001@nobody.sys"]);
        one.Exit.Should().Be(1, "one violation is no longer expected and an expected one never happened");
        one.Out.Should().Contain("Expected but not seen: BCV0001 from nobody.sys");
        CliRunner.Run("simulate", "--expect", "BCV0001").Error.Should().Contain("is not CODE@COMPONENT");
        CliRunner.Run("simulate", "--expect", "BCV9999@x.sys").Error.Should().Contain("BCV9999 is not a verifier code");
    }

    [NativeFact]
    public void A_scenario_names_its_driver_relative_to_itself_beside_managed_callbacks()
    {
        var folder = Directory.CreateTempSubdirectory("bugcheck-driver-scenario-").FullName;
        File.Copy(SampleDrivers.Storage, Path.Combine(folder, Path.GetFileName(SampleDrivers.Storage)));
        var scenario = Path.Combine(folder, "scenario.json");
        File.WriteAllText(scenario, $$"""
            {
              "driver": "{{Path.GetFileName(SampleDrivers.Storage)}}",
              "callbacks": [ { "reason": "SecondaryDumpData", "component": "managed.sys", "guid": "11111111-2222-3333-4444-555555555555", "size": 16 } ]
            }
            """);

        var result = CliRunner.Run("simulate", "--scenario", scenario, "--out", _files.Temp(".dmp"), "--json");

        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain("\"component\": \"storage\"").And.Contain("\"component\": \"managed.sys\"");
    }

    [NativeFact]
    public void The_faulty_twin_through_the_CLI_reports_its_violations_with_exit_code_1()
    {
        var result = CliRunner.Run("simulate", "--driver", SampleDrivers.Faulty, "--out", _files.Temp(".dmp"));

        result.Exit.Should().Be(1);
        result.Out.Should().Contain("BCV0017").And.Contain("faulty.wildpointer").And.Contain("BCV0015");
    }

    [NativeFact]
    public void A_library_that_is_not_a_driver_is_one_usage_error_naming_the_option()
    {
        var source = Path.Combine(SampleDrivers.Folder, "notadriver.c");
        File.WriteAllText(source, "int NotADriver(void) { return 0; }\n");
        var library = NativeCompiler.Library(source, SampleDrivers.Folder, "notadriver");

        var result = CliRunner.Run("simulate", "--driver", library, "--out", _files.Temp(".dmp"));

        result.Exit.Should().Be(2);
        result.Error.Should().StartWith("error: --driver: ").And.Contain("does not export BccDriverGlue");
        result.Error.TrimEnd().Split('\n').Should().ContainSingle();
    }

    [Theory]
    [InlineData("--driver")]
    [InlineData("$.driver")]
    public void A_driver_that_does_not_exist_is_one_usage_error_naming_where_it_was_given(string source)
    {
        var missing = _files.Temp(".so");
        var arguments = source == "--driver"
            ? new[] { "simulate", "--driver", missing, "--out", _files.Temp(".dmp") }
            : ["simulate", "--scenario", _files.Scenario($$"""{ "driver": "{{missing.Replace("\\", "\\\\", StringComparison.Ordinal)}}" }"""), "--out", _files.Temp(".dmp")];

        var result = CliRunner.Run(arguments);

        result.Exit.Should().Be(2);
        result.Error.Should().Be($"error: {source} \"{missing}\" does not exist.\n");
    }
}
