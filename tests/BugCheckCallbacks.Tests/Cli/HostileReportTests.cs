using System.Text.Json;
using System.Text.Json.Nodes;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Cli;

/// <summary>
/// The outcome report beside a dump is untrusted input: each hostile report, built by hand from a real one, is one
/// warning, and show, enumtag and report go on with the dump alone; the library's readers throw only JsonException.
/// </summary>
public sealed class HostileReportTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bugcheck-hostile-report-").FullName;
    private readonly string _dump;
    private readonly string _report;

    public HostileReportTests()
    {
        _dump = Path.Combine(_folder, "crash.dmp");
        CliRunner.Run("simulate", "--out", _dump, "-q").Exit.Should().Be(0);
        _report = File.ReadAllText(OutcomeReport.PathFor(_dump));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string, string> Edits() => new()
    {
        { "blobs null", "$.blobs" },
        { "a null blob", "$.blobs[0]" },
        { "a null violation component", "$.violations[0].component" },
        { "a null violation detail", "$.violations[0].detail" },
        { "bodyRanges null", "$.bodyRanges" },
        { "invocations null", "$.invocations" },
        { "a null call", "$.invocations[3]" },
        { "violation kind 12345", "$.violations[0].kind" },
        { "dumpType 999", "$.dumpType" },
        { "phase 77", "$.invocations[0].phase" },
        { "modules null", "$.kernel.modules" },
        { "a null module name", "$.kernel.modules[1].name" },
        { "a null expectation", "$.expectedViolations[0]" },
        { "schemaVersion 99", "$.schemaVersion" },
        { "a null record component", "$.records[0].component" },
    };

    [Theory]
    [MemberData(nameof(Edits))]
    public void A_hostile_report_is_one_JsonException_naming_its_path(string edit, string path)
    {
        var json = Hostile(edit);
        var read = () => BugCheckOutcome.FromJson(json);
        read.Should().Throw<JsonException>().Which.Message.Should().Contain(path);
        var stream = () => BugCheckOutcome.ReadJson(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json)));
        stream.Should().Throw<JsonException>();
    }

    [Theory]
    [MemberData(nameof(Edits))]
    public void Show_enumtag_and_report_warn_once_and_go_on_with_the_dump_alone(string edit, string path)
    {
        _ = path;
        File.WriteAllText(OutcomeReport.PathFor(_dump), Hostile(edit));
        foreach (var command in new[] { "show", "enumtag", "report" })
        {
            var result = CliRunner.Run(command, _dump);
            result.Exit.Should().Be(0, $"{command}: {result.Error}");
            result.Error.Should().StartWith("warning: ").And.Contain("is not a readable outcome report");
            result.Error.TrimEnd().Should().NotContain("\n", "one line");
        }

        CliRunner.Run("show", _dump).Out.Should().Contain("No outcome report beside the dump.");
    }

    [Fact]
    public void A_key_given_twice_is_a_JsonException_not_the_last_one_winning()
    {
        var json = _report.Replace("\"blobs\":", "\"blobs\": [],\n  \"blobs\":", StringComparison.Ordinal);
        json.Should().NotBe(_report);
        FluentActions.Invoking(() => BugCheckOutcome.FromJson(json)).Should().Throw<JsonException>().WithMessage("*blobs*");
    }

    [Fact]
    public void A_report_nested_past_the_reader_s_depth_is_a_JsonException()
    {
        var deep = "{\"invocations\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        FluentActions.Invoking(() => BugCheckOutcome.FromJson(deep)).Should().Throw<JsonException>();
    }

    private string Hostile(string edit)
    {
        var root = JsonNode.Parse(_report)!.AsObject();
        JsonArray Array(string name) => root[name]!.AsArray();
        JsonObject Item(string name, int index) => Array(name)[index]!.AsObject();
        switch (edit)
        {
            case "blobs null": root["blobs"] = null; break;
            case "a null blob": Array("blobs")[0] = null; break;
            case "a null violation component": Item("violations", 0)["component"] = null; break;
            case "a null violation detail": Item("violations", 0)["detail"] = null; break;
            case "bodyRanges null": root["bodyRanges"] = null; break;
            case "invocations null": root["invocations"] = null; break;
            case "a null call": Array("invocations")[3] = null; break;
            case "violation kind 12345": Item("violations", 0)["kind"] = 12345; break;
            case "dumpType 999": root["dumpType"] = 999; break;
            case "phase 77": Item("invocations", 0)["phase"] = 77; break;
            case "modules null": root["kernel"]!["modules"] = null; break;
            case "a null module name": root["kernel"]!["modules"]!.AsArray()[1]!["name"] = null; break;
            case "a null expectation": Array("expectedViolations")[0] = null; break;
            case "schemaVersion 99": root["schemaVersion"] = 99; break;
            case "a null record component": Item("records", 0)["component"] = null; break;
            default: throw new ArgumentOutOfRangeException(nameof(edit), edit, "not an edit of this table");
        }

        return root.ToJsonString();
    }
}
