using System.Text.Json;
using BugCheckCallbacks.Tests.Cli;
using BugCheckCallbacks.Tests.Native.Windows;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary><c>bugcheck inspect</c>: a driver binary's registration calls, as text and JSON, and its answer to a file that is not an image.</summary>
public sealed class InspectCliTests
{
    [MingwFact]
    public void Inspect_lists_every_registration_and_deregistration_of_the_clean_driver()
    {
        var driver = InspectionFixtures.Driver("clean_driver", "-O2");

        var result = CliRunner.Run("inspect", driver);

        result.Exit.Should().Be(0);
        result.Out.Should().Contain("8 registrations, 8 deregistrations").And.Contain("Result: 0 defects, 2 flags for an analyst.")
            .And.Contain("SecondaryDumpData (2)").And.Contain("TriageDumpData (7)").And.Contain("clean_driver");
    }

    [MingwFact]
    public void Inspect_json_gives_each_call_with_its_reason_routine_record_and_component()
    {
        var driver = InspectionFixtures.Driver("clean_driver", "-O0");

        var result = CliRunner.Run("inspect", driver, "--json");

        result.Exit.Should().Be(0);
        using var document = JsonDocument.Parse(result.Out);
        var calls = document.RootElement.GetProperty("files")[0].GetProperty("calls").EnumerateArray().ToArray();
        calls.Should().HaveCount(16);
        var secondary = calls.Single(c => c.TryGetProperty("reasonValue", out var reason) && reason.GetInt32() == 2); // nulls are left out
        secondary.GetProperty("routine").GetString().Should().Be("KeRegisterBugCheckReasonCallback");
        secondary.GetProperty("callback").GetString().Should().StartWith(".text+0x");
        secondary.GetProperty("record").GetString().Should().StartWith(".bss+0x");
        secondary.GetProperty("component").GetString().Should().Be("clean_driver");
    }

    [MingwFact]
    public void Inspect_lists_a_defect_with_where_and_why_and_exits_1()
    {
        var driver = InspectionFixtures.Driver("clean_driver", "-O2", "DEFECT_INIT_CALLBACK");

        var result = CliRunner.Run("inspect", driver);

        result.Exit.Should().Be(1);
        result.Out.Should().Contain("CallbackInDiscardableSection").And.Contain("INIT+0x0").And.Contain("Result: 1 defect, 2 flags for an analyst.");
    }

    [MingwFact]
    public void Inspect_json_has_the_findings_and_the_analysts_flags_and_exits_1_on_a_defect()
    {
        var driver = InspectionFixtures.Driver("clean_driver", "-O0", "DEFECT_IGNORED_RESULT");

        var result = CliRunner.Run("inspect", driver, "--json");

        result.Exit.Should().Be(1);
        using var document = JsonDocument.Parse(result.Out);
        var findings = document.RootElement.GetProperty("files")[0].GetProperty("findings").EnumerateArray()
            .Select(f => (f.GetProperty("kind").GetString(), f.GetProperty("forensic").GetBoolean())).ToArray();
        findings.Should().BeEquivalentTo([("RegistrationResultIgnored", false), ("WatchesDumpWrites", true), ("RemovesPagesFromDump", true)]);
    }

    [MingwFact]
    public void Inspect_json_lists_the_imports_a_callback_reaches_with_their_path_and_verdict()
    {
        var driver = InspectionFixtures.Driver("clean_driver", "-O2", "DEFECT_ALLOCATES");

        var result = CliRunner.Run("inspect", driver, "--json");

        result.Exit.Should().Be(1);
        using var document = JsonDocument.Parse(result.Out);
        var reached = document.RootElement.GetProperty("files")[0].GetProperty("reached").EnumerateArray().Single();
        (reached.GetProperty("routine").GetString(), reached.GetProperty("verdict").GetString()).Should().Be(("ExAllocatePoolWithTag", "forbidden"));
        reached.GetProperty("path").GetArrayLength().Should().Be(2, "the routine, then the function that allocates (the one between is a tail jump)");
    }

    [Fact]
    public void Inspect_answers_a_file_that_is_not_a_driver_image_with_exit_code_3_and_one_line_naming_it()
    {
        var path = CliRunner.TempPath(".sys");
        File.WriteAllText(path, "not a driver");

        var result = CliRunner.Run("inspect", path);

        result.Exit.Should().Be(3);
        result.Error.Trim().Split('\n').Should().ContainSingle().Which.Should().Contain(path).And.Contain("not those of a PE image");
    }
}
