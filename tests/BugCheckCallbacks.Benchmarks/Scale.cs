using System.Diagnostics;
using System.Globalization;
using System.Text;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// A whole bug check with <c>n</c> callbacks spread over the seven dispatched reasons, in the library (<c>scale n</c>) or
/// through the CLI with a generated scenario (<c>scale-cli n</c>, the built CLI in a process of its own): prints the time
/// and the peak working set.
/// Run each size in a fresh process, so that the peak belongs to that size alone.
/// </summary>
internal static class Scale
{
    private static readonly string[] s_reasons =
        ["Reserved1", "TriageDumpData", "AddPages", "RemovePages", "DumpIo", "SecondaryDumpData", "SecondaryMultiPartDumpData"];

    public static int Library(int n)
    {
        var watch = Stopwatch.StartNew();
        var kernel = new SimulatedKernel(new SimulationOptions
        {
            SecondaryDataBudget = 0xF0000000,
            MultiPartReservation = MultiPartBytes(n), // the multi-part parts are known only as they come: reserve what they will write
            TriageMaxVirtMemSize = 0x100000,
            RepeatCallBudget = 4,
        });
        var triage = new TriageDumpDataArray(0x40);
        var resident = new byte[64];
        for (var i = 0; i < n; i++)
        {
            var id = i;
            var tag = new Guid(id + 1, 0, 0, new byte[8]);
            BugCheckReasonCallback callback = (i % 7) switch
            {
                0 => (_, _, _) => { },
                1 => (_, _, data) =>
                {
                    triage.Initialize(0x40);
                    triage.AddBlock(0xFFFF800000000000 + ((ulong)(id % 1024) * 0x1000), 64);
                    ((TriageDumpData)data!).DataArray = triage;
                },
                2 or 3 => (_, _, data) =>
                {
                    var d = (PageRangeData)data!;
                    d.Flags = PageRangeFlags.PhysicalAddress;
                    d.Address = 0x100000 + ((ulong)(id % 0x3000) * 0x1000);
                    d.Count = 1;
                },
                4 => (_, _, _) => { },
                5 => (_, _, data) =>
                {
                    var d = (SecondaryDumpData)data!;
                    if (d.IsSizeQuery)
                    {
                        d.OutBufferLength = (uint)resident.Length;
                    }
                    else
                    {
                        d.Guid = tag;
                        d.SetOutput(resident);
                    }
                },
                _ => (_, _, data) =>
                {
                    var d = (SecondaryDumpDataEx)data!;
                    d.Guid = tag;
                    d.SetOutput(resident);
                },
            };
            kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), callback, Enum.Parse<BugCheckCallbackReason>(s_reasons[i % 7]), "scale.sys");
        }

        var registered = watch.Elapsed;
        var outcome = kernel.KeBugCheckEx(0xD1);
        Report($"library, {n:N0} callbacks: register {registered.TotalMilliseconds:F0} ms, bug check {(watch.Elapsed - registered).TotalMilliseconds:F0} ms, {outcome.TotalCalls:N0} calls ({outcome.Invocations.Count:N0} logged), {outcome.Violations.Count} violations", watch.Elapsed);
        return outcome.Violations.Count == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs the built CLI (<c>bugcheck.dll</c>, with its own runtime settings) as a child process, as a user does, and
    /// reports that process's peak working set: the high-water mark the OS keeps, read until it exits.
    /// </summary>
    public static int Cli(int n)
    {
        var folder = Directory.CreateTempSubdirectory("bugcheck-scale-").FullName;
        try
        {
            var scenario = Path.Combine(folder, "scenario.json");
            File.WriteAllText(scenario, ScenarioJson(n));
            var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (var argument in (string[])[Path.Combine(AppContext.BaseDirectory, "bugcheck.dll"), "simulate", "--scenario", scenario, "--out", Path.Combine(folder, "crash.dmp"), "--quiet"])
            {
                start.ArgumentList.Add(argument);
            }

            var watch = Stopwatch.StartNew();
            using var cli = Process.Start(start)!;
            var error = cli.StandardError.ReadToEndAsync();
            _ = cli.StandardOutput.ReadToEndAsync();
            long peak = 0;
            while (!cli.WaitForExit(20))
            {
                cli.Refresh();
                peak = Math.Max(peak, TryPeak(cli));
            }

            var elapsed = watch.Elapsed;
            var dump = new FileInfo(Path.Combine(folder, "crash.dmp")).Length;
            var report = new FileInfo(Path.Combine(folder, "crash.outcome.json")).Length;
            Console.Write(error.Result);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CLI, {n:N0} callbacks (scenario {new FileInfo(scenario).Length / 1024:N0} KiB): exit {cli.ExitCode}, dump {dump:N0} bytes ({dump / (1 << 20):N0} MiB), report {report / 1024:N0} KiB; total {elapsed.TotalSeconds:F2} s; the CLI's peak working set {peak / (1 << 20)} MiB"));
            return cli.ExitCode;
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        // The process may exit between the wait and the read.
        static long TryPeak(Process process)
        {
            try
            {
                return process.PeakWorkingSet64;
            }
            catch (InvalidOperationException)
            {
                return 0;
            }
        }
    }

    private static string ScenarioJson(int n)
    {
        var json = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"{{ \"secondaryDataBudget\": \"0xF0000000\", \"multiPartReservation\": {MultiPartBytes(n)}, \"callbacks\": [\n"));
        for (var i = 0; i < n; i++)
        {
            var reason = s_reasons[i % 7];
            json.Append(CultureInfo.InvariantCulture, $"  {{ \"reason\": \"{reason}\", \"component\": \"d{i}.sys\"");
            json.Append(reason switch
            {
                "TriageDumpData" => string.Create(CultureInfo.InvariantCulture, $", \"blocks\": [ {{ \"address\": \"0x{0xFFFF800000000000 + ((ulong)(i % 1024) * 0x1000):X}\", \"size\": 64 }} ]"),
                "AddPages" or "RemovePages" => string.Create(CultureInfo.InvariantCulture, $", \"ranges\": [ {{ \"space\": \"Physical\", \"address\": \"0x{0x100000 + ((ulong)(i % 0x3000) * 0x1000):X}\", \"pages\": 1 }} ]"),
                "SecondaryDumpData" => string.Create(CultureInfo.InvariantCulture, $", \"guid\": \"{new Guid(i + 1, 0, 0, new byte[8])}\", \"size\": 64"),
                "SecondaryMultiPartDumpData" => string.Create(CultureInfo.InvariantCulture, $", \"guid\": \"{new Guid(i + 1, 0, 0, new byte[8])}\", \"size\": 64, \"parts\": 1"),
                _ => string.Empty,
            });
            json.Append(i + 1 < n ? " },\n" : " }\n");
        }

        return json.Append("] }\n").ToString();
    }

    /// <summary>What the multi-part callbacks among <paramref name="n"/> write: one part of 64 bytes each, plus its blob header.</summary>
    private static uint MultiPartBytes(int n) => (uint)(((n / 7) + 1) * (0x20 + 64));

    private static void Report(string what, TimeSpan elapsed)
    {
        var peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{what}; total {elapsed.TotalSeconds:F2} s; peak working set {peak / (1 << 20)} MiB"));
    }
}
