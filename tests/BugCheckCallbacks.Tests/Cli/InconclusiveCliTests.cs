namespace BugCheckCallbacks.Tests.Cli;

/// <summary>The CLI's view of inconclusive verdicts (docs/verifier.md, "Why BCV0003 is exact"): apart from the violations.</summary>
public sealed class InconclusiveCliTests : IClassFixture<CliInputTests.Files>
{
    private readonly CliInputTests.Files _files;

    public InconclusiveCliTests(CliInputTests.Files files) => _files = files;

    [Fact]
    public void Show_lists_an_outcomes_inconclusive_verdicts_apart_from_its_violations()
    {
        var dump = _files.Temp(".dmp");
        CliRunner.Run("simulate", "--out", dump, "-q").Exit.Should().Be(0);
        var report = Path.ChangeExtension(dump, ".outcome.json");
        var outcome = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(report))!.AsObject();
        outcome["inconclusive"] = System.Text.Json.Nodes.JsonNode.Parse("""
            [ { "kind": "AllocatedMemory", "phase": "Entry", "reason": "Reserved1", "component": "hal.dll", "recordIndex": 0, "callNumber": 1,
                "detail": "The allocation counter moved by 7944 bytes while the runtime suspended the thread.", "code": "BCV0003" } ]
            """);
        File.WriteAllText(report, outcome.ToJsonString());

        var result = CliRunner.Run("show", dump, "--no-color");

        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain("Inconclusive (not violations)").And.Contain("moved by 7944 bytes").And.Contain(", 1 inconclusive verdict");
        var violations = result.Out[result.Out.IndexOf("Violations", StringComparison.Ordinal)..result.Out.IndexOf("Inconclusive (not", StringComparison.Ordinal)];
        violations.Should().NotContain("7944", "an inconclusive verdict is not a violation");
    }
}
