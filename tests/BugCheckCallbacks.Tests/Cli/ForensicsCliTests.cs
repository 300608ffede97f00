using System.Text.Json;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Cli;

public sealed class ForensicsCliTests : IClassFixture<CliInputTests.Files>
{
    private readonly CliInputTests.Files _files;

    public ForensicsCliTests(CliInputTests.Files files) => _files = files;

    [Fact]
    public void Modules_lists_the_kernel_the_hal_and_every_component_of_the_built_in_scenario()
    {
        var result = CliRunner.Run("modules", _files.Dump, "--json");
        result.Exit.Should().Be(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("modules").EnumerateArray().Select(m => m.GetProperty("name").GetString()).Should().Equal(
            "ntoskrnl.exe", "hal.dll", "triage.sys", "gpu.sys", "secure.sys", "mirror.sys", "storport.sys", "faulty.sys", "verbose.sys", "ndis.sys", "legacy.sys");
        var text = CliRunner.Run("modules", _files.Dump);
        text.Exit.Should().Be(0);
        text.Out.Should().Contain("fffff800`00000000").And.Contain("fffff800`00003000").And.Contain("ntoskrnl.exe");
    }

    [Fact]
    public void Callbacks_on_the_built_in_scenario_are_the_records_of_its_outcome_report_with_clean_checksums()
    {
        var result = CliRunner.Run("callbacks", _files.Dump, "--json");
        result.Exit.Should().Be(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        json.RootElement.GetProperty("findings").GetInt32().Should().Be(0);
        var lists = json.RootElement.GetProperty("lists").EnumerateArray().ToArray();
        lists.Select(l => l.GetProperty("kind").GetString()).Should().Equal("Classic", "Reason", "AddRemovePages");
        var walked = lists.SelectMany(l => l.GetProperty("records").EnumerateArray())
            .Select(r => (r.GetProperty("address").GetString(), r.GetProperty("component").GetString(), r.GetProperty("checksumValid").GetBoolean(), r.GetProperty("routineSymbol").GetString()!.StartsWith(r.GetProperty("component").GetString() + "+0x", StringComparison.Ordinal)))
            .ToArray();

        var outcome = BugCheckCallbacks.Simulation.BugCheckOutcome.FromJson(File.ReadAllText(BugCheckCallbacks.Cli.Reading.OutcomeReport.PathFor(_files.Dump)));
        walked.Should().BeEquivalentTo(outcome.Records.Select(r => ($"0x{r.Address:X}", r.Component, true, true)));
        var reasonList = lists[1].GetProperty("records").EnumerateArray().Select(r => r.GetProperty("component").GetString());
        reasonList.Should().Equal(["ndis.sys", "verbose.sys", "faulty.sys", "storport.sys", "mirror.sys", "triage.sys", "hal.dll"], "newest first, as Windows inserts at the head");
    }

    [Fact]
    public void A_tampered_scenario_dump_shows_each_finding_and_callbacks_exits_1()
    {
        var dump = _files.Temp(".dmp");
        var scenario = _files.Scenario("""
            { "callbacks": [
              { "reason": "SecondaryDumpData", "component": "sum.sys", "guid": "5707e5a1-0000-4000-8000-0000000000aa", "size": 64, "tamper": "WrongChecksum" },
              { "reason": "DumpIo", "component": "shell.sys", "tamper": "routineoutsidemodules" },
              { "reason": "Reserved1", "component": "link.sys", "tamper": "BrokenLink" },
              { "reason": "AddPages", "component": "hidden.sys", "ranges": [ { "space": "Physical", "address": "0x100000", "pages": 1 } ], "tamper": "Hidden" },
              { "reason": "Classic", "component": "legacy.sys", "size": 16, "tamper": "WrongChecksum" }
            ] }
            """);
        var simulate = CliRunner.Run("simulate", "--scenario", scenario, "--out", dump, "--quiet");
        simulate.Exit.Should().Be(0, simulate.Error + simulate.Out);
        var result = CliRunner.Run("callbacks", dump);
        result.Exit.Should().Be(1, "a finding is flagged");
        result.Out.Should().Contain("! ChecksumMismatch").And.Contain("! UnbackedRoutine").And.Contain("! BrokenLink").And.Contain("! NotOnList").And.Contain("5 integrity findings.");
        var json = CliRunner.Run("callbacks", dump, "--json");
        using var document = JsonDocument.Parse(json.Out);
        document.RootElement.GetProperty("unlinked").EnumerateArray().Single().GetProperty("component").GetString().Should().Be("hidden.sys");
    }

    [Fact]
    public void A_head_given_by_the_caller_is_walked_as_that_list()
    {
        var outcome = BugCheckCallbacks.Simulation.BugCheckOutcome.FromJson(File.ReadAllText(BugCheckCallbacks.Cli.Reading.OutcomeReport.PathFor(_files.Dump)));
        var head = outcome.Kernel!.KeBugCheckReasonCallbackListHead;
        var result = CliRunner.Run("callbacks", _files.Dump, "--head", $"reason=0x{head >> 32:x8}`{head & 0xFFFFFFFF:x8}", "--json");
        result.Exit.Should().Be(0, result.Error);
        using var json = JsonDocument.Parse(result.Out);
        var reason = json.RootElement.GetProperty("lists").EnumerateArray().Single(l => l.GetProperty("kind").GetString() == "Reason");
        reason.GetProperty("source").GetString().Should().Be("Caller");
        reason.GetProperty("records").GetArrayLength().Should().Be(7);
    }

    [Theory]
    [InlineData("0x9F", "3", "Arg3: 0xFFFFF80000001000  nt!TRIAGE_9F_POWER")] // a data pointer into the kernel's image
    [InlineData("0x9F", "4", "Arg4: 0xFFFFF80000071000  nt!TRIAGE_9F_PNP")]
    [InlineData("0xE2", "0", "Arg3: 0xFFFFF80000001000\n")] // no meaning known: no symbol either
    public void Show_names_no_culprit_for_a_data_pointer_into_a_module(string code, string parameter1, string line)
    {
        var dump = _files.Temp(".dmp");
        CliRunner.Run("simulate", "--code", code, "--param1", parameter1, "--param3", "0xFFFFF80000001000", "--param4", "0xFFFFF80000071000", "--out", dump).Exit.Should().Be(0);

        var result = CliRunner.Run("show", dump);

        result.Exit.Should().Be(0, result.Error);
        result.Out.ReplaceLineEndings("\n").Should().Contain(line).And.Contain("Faulting module: none named").And.NotContain("= ntoskrnl.exe").And.NotContain("= faulty.sys");
    }

    [Fact]
    public void Show_names_the_stop_code_the_faulting_module_and_the_registers()
    {
        var result = CliRunner.Run("show", _files.Dump);
        result.Exit.Should().Be(0, result.Error);
        result.Out.Should().Contain("Bug check 0x000000D1 DRIVER_IRQL_NOT_LESS_OR_EQUAL")
            .And.Contain("Arg4: 0xFFFFF80000071000 = faulty.sys+0x1000  The address that referenced the memory")
            .And.Contain("Faulting module: faulty.sys+0x1000")
            .And.Contain("Exception: code 0xC0000005 at 0xFFFFF80000071000 (faulty.sys+0x1000)")
            .And.Contain("rcx=00000000000000d1").And.Contain("rip=fffff80000002000");
        var json = CliRunner.Run("show", _files.Dump, "--json");
        using var document = JsonDocument.Parse(json.Out);
        var analysis = document.RootElement.GetProperty("files")[0].GetProperty("analysis");
        analysis.GetProperty("name").GetString().Should().Be("DRIVER_IRQL_NOT_LESS_OR_EQUAL");
        analysis.GetProperty("faultingModule").GetString().Should().Be("faulty.sys+0x1000");
    }

    [Fact]
    public void A_dump_without_kernel_structures_says_so_and_finds_nothing()
    {
        var dump = _files.Temp(".dmp");
        CliRunner.Run("simulate", "--dump-type", "Header", "--out", dump, "--quiet").Exit.Should().Be(0);
        var modules = CliRunner.Run("modules", dump);
        modules.Exit.Should().Be(0);
        modules.Out.Should().Contain("No loaded-module list in this dump: Neither the header's PsLoadedModuleList nor a KDBG block names the loaded-module list.");
        var callbacks = CliRunner.Run("callbacks", dump);
        callbacks.Exit.Should().Be(0);
        callbacks.Out.Should().Contain("found 0 records").And.Contain("No integrity findings.");
        using var file = DumpFile.Open(dump);
        new BugCheckCallbacks.Forensics.KernelWalker(file).FindDebuggerData().Tried.Should().Contain(t => t.Contains("KdDebuggerDataBlock is 0", StringComparison.Ordinal));
    }
}
