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
        result.Out.Should().Contain("8 registrations, 8 deregistrations")
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
