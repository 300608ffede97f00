using System.Diagnostics;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Cli;
using FluentAssertions;
using Xunit;

namespace BugCheckCallbacks.Tests.Forensics;

/// <summary>Volatility 3, a third-party reader, lists the simulated kernel's modules and callbacks from the symbols beside the dump.</summary>
public sealed class VolatilityOracleTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bugcheck-vol-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [VolatilityFact]
    public void Windows_modules_lists_exactly_the_dumps_modules_and_windows_callbacks_every_classic_and_reason_record()
    {
        var dump = Path.Combine(_folder, "crash.dmp");
        CliRunner.Run("simulate", "--out", dump, "--quiet").Exit.Should().Be(0);
        var outcome = BugCheckOutcome.FromJson(File.ReadAllText(OutcomeReport.PathFor(dump)));
        var symbols = Path.ChangeExtension(dump, ".symbols");
        File.Exists(Path.Combine(symbols, KernelSymbols.RelativePath)).Should().BeTrue();

        var modules = Vol(dump, symbols, "windows.modules");
        modules.Select(r => r[3]).Should().Equal(outcome.Kernel!.Modules.Select(m => m.Name));
        modules.Select(r => Convert.ToUInt64(r[1], 16) | 0xFFFF000000000000).Should().Equal(outcome.Kernel.Modules.Select(m => m.Base));

        var callbacks = Vol(dump, symbols, "windows.callbacks");
        callbacks.Where(r => r[0] == "KeBugCheckCallbackListHead").Select(r => r[2]).Should().Equal("legacy");
        var reasons = outcome.Records.Where(r => r.Reason is not (null or BugCheckCallbackReason.AddPages or BugCheckCallbackReason.RemovePages));
        callbacks.Where(r => r[0] == "KeBugCheckReasonCallbackListHead").Select(r => r[2] + ".sys")
            .Should().BeEquivalentTo(reasons.Select(r => r.Component.Replace("hal.dll", "hal.sys", StringComparison.Ordinal)), "every reason record, by its routine's module");
        callbacks.Where(r => r[0] == "KeBugCheckReasonCallbackListHead").Should().OnlyContain(r => r[4] == "-", "Volatility reads a reason record's Component at 0x28, not 0x18: a known quirk");
        callbacks.Select(r => r[2]).Should().NotContain(["gpu", "secure"], "Volatility does not walk KeBugCheckAddRemovePagesCallbackListHead: a known gap");

        var info = Vol(dump, symbols, "windows.info").ToDictionary(r => r[0], r => r.Length > 1 ? r[1] : string.Empty);
        (info["Kernel Base"], info["DTB"], info["KeNumberProcessors"], info["NtMajorVersion"], info["MachineType"]).Should().Be(("0xf80000000000", "0x1ad000", "4", "10", "34404"));
        info["NTBuildLab"].Should().Be("26100.1.amd64fre.simulated");
    }

    /// <summary>Runs a plugin offline with a fresh cache and returns its rows (tab-separated columns), after the header.</summary>
    private List<string[]> Vol(string dump, string symbols, string plugin)
    {
        var start = new ProcessStartInfo(VolatilityFactAttribute.Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(VolatilityFactAttribute.VolPy)!,
        };
        var cache = Directory.CreateDirectory(Path.Combine(_folder, $"cache-{plugin}")).FullName; // fresh: Volatility caches symbols by file location
        foreach (var argument in new[] { VolatilityFactAttribute.VolPy!, "-q", "--offline", "--cache-path", cache, "-s", symbols, "-f", dump, plugin })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit(TimeSpan.FromMinutes(5)).Should().BeTrue($"{plugin} ends");
        process.ExitCode.Should().Be(0, error.Result);
        var lines = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var header = Array.FindIndex(lines, l => l.StartsWith("Offset\t", StringComparison.Ordinal) || l.StartsWith("Type\t", StringComparison.Ordinal) || l.StartsWith("Variable\t", StringComparison.Ordinal));
        header.Should().BeGreaterThanOrEqualTo(0, output.Result);
        return lines.Skip(header + 1).Select(l => l.Split('\t')).ToList();
    }
}
