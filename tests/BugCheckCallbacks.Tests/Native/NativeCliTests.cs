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
        enumtag.Out.Should().Contain("{8d0f3c52-9a41-4b7e-a1c3-2e5f6a7b8c9d}").And.Contain("5 tag(s)");
        extract.Exit.Should().Be(0);
        File.ReadAllBytes(blob).Should().Equal(Enumerable.Range(0, 1024).Select(i => (byte)i));
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
