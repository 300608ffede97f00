using System.Diagnostics;
using BugCheckCallbacks;
using BugCheckCallbacks.Checking;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.FluentAssertions;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Simulation;

namespace DriverCallbacks.Tests;

/// <summary>The same storage driver written in C (samples/native), built against the header the BugCheckCallbacks package ships.</summary>
public sealed class NativeDriverTests
{
    [FactNeedingCc]
    public void The_C_driver_keeps_the_contract_and_its_log_lands_in_the_dump()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic });
        using var driver = kernel.LoadDriver(Build("storage_driver"));
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0xD1, sink: sink);

        outcome.Should().HaveNoViolations();
        outcome.Should().HaveCalled(driver.Records[0]).Times(2);
        sink.Should().ContainTag(Guid.Parse("8d0f3c52-9a41-4b7e-a1c3-2e5f6a7b8c9d"));
    }

    [FactNeedingCc]
    public void The_checker_finds_what_the_faulty_twin_does()
    {
        var results = ContractChecker.CheckDriver(Build("faulty_driver"), new ContractCheckOptions { GeneratedSituations = 2 });

        results.Single(r => r.Reason == BugCheckCallbackReason.SecondaryDumpData).Should().HaveViolation(ViolationKind.InvalidPointer);
    }

    /// <summary>Compiles samples/native/<paramref name="name"/>.c with cc and the header from the package (copied beside the tests).</summary>
    private static string Build(string name)
    {
        var include = Path.Combine(AppContext.BaseDirectory, "include");
        var source = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "..", "native", name + ".c"));
        var output = Path.Combine(Directory.CreateTempSubdirectory("sample-driver-").FullName, OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so");
        using var cc = Process.Start("cc", ["-shared", "-fPIC", "-I", include, source, "-o", output])!;
        cc.WaitForExit();
        return cc.ExitCode == 0 ? output : throw new InvalidOperationException($"cc could not build {source}.");
    }
}

/// <summary>A fact that needs cc (Linux or macOS): skipped, not passed, without it.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class FactNeedingCcAttribute : FactAttribute
{
    public FactNeedingCcAttribute()
    {
        var found = !OperatingSystem.IsWindows() && (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator).Any(folder => File.Exists(Path.Combine(folder, "cc")));
        Skip = found ? null : "No cc on PATH: the native sample needs a C compiler (Linux or macOS).";
    }
}
