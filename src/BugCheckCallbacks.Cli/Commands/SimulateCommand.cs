using System.CommandLine;
using System.Globalization;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck simulate</c>: run a scenario through a simulated bug check and write the dump.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var code = new Option<string?>("--code") { Description = "The stop code, hex (0xD1) or decimal; default: the scenario's, else 0xD1." };
        var parameters = Enumerable.Range(1, 4)
            .Select(i => new Option<string?>($"--param{i}") { Description = $"Bug-check parameter {i}, hex or decimal." })
            .ToArray();
        var dumpType = new Option<DumpType?>("--dump-type") { Description = "Full, Summary, Header, Triage, BitmapFull, BitmapKernel or Automatic; default: the scenario's, else Automatic." };
        var order = new Option<CallbackOrder?>("--order") { Description = "NewestFirst (Windows) or OldestFirst (ReactOS)." };
        var output = new Option<string>("--out") { Description = "The x64 kernel dump to write; the outcome report goes beside it (crash.dmp → crash.outcome.json).", DefaultValueFactory = _ => "crash.dmp" };
        var scenario = new Option<string?>("--scenario") { Description = "A JSON scenario file (docs/cli.md); default: the built-in scenario." };
        var json = new Option<bool>("--json") { Description = "Print the outcome as JSON instead of tables." };

        var command = new Command("simulate", "Register scripted callbacks, bug-check the simulated kernel, write the dump, and report every call and violation.");
        command.Options.Add(code);
        foreach (var option in parameters)
        {
            command.Options.Add(option);
        }

        command.Options.Add(dumpType);
        command.Options.Add(order);
        command.Options.Add(output);
        command.Options.Add(scenario);
        command.Options.Add(json);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var script = parse.GetValue(scenario) is { } path ? ScenarioLoader.Load(path) : ScenarioLoader.LoadDefault();
            var stopCode = ParseNumber("--code", parse.GetValue(code)) ?? script.BugCheck?.Code ?? 0xD1;
            if (stopCode > uint.MaxValue)
            {
                throw new UsageException($"--code 0x{stopCode:X} does not fit in 32 bits.");
            }

            var values = new ulong[4];
            for (var i = 0; i < 4; i++)
            {
                values[i] = ParseNumber($"--param{i + 1}", parse.GetValue(parameters[i])) ?? script.BugCheck?.Parameters?.ElementAtOrDefault(i) ?? 0;
            }

            var kernel = ScenarioBuilder.CreateKernel(script, parse.GetValue(dumpType), parse.GetValue(order));
            var outPath = parse.GetValue(output)!;
            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor) || parse.GetValue(json));
            BugCheckOutcome outcome;
            long bytes;
            using (var writer = DumpFileWriter.Create(outPath))
            {
                outcome = WithProgress(console, "Writing dump", progress =>
                    kernel.KeBugCheckEx((uint)stopCode, values[0], values[1], values[2], values[3], new ProgressSink(writer, progress)));
                bytes = writer.BytesWritten;
            }

            var reportPath = OutcomeReport.PathFor(outPath);
            File.WriteAllText(reportPath, outcome.ToJson());

            var unexpected = Judge(script, outcome, out var missing);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(outcome.ToJson());
            }
            else
            {
                OutcomeView.Render(console, outcome);
                console.WriteLine($"Dump written to {outPath} ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes).");
                console.WriteLine($"Outcome report written to {reportPath}.");
                foreach (var expectation in missing)
                {
                    console.WriteLine($"Expected but not seen: {expectation}");
                }

                console.WriteLine(unexpected.Count == 0 && missing.Count == 0
                    ? $"Result: {outcome.Violations.Count} violation(s), all expected by the scenario."
                    : $"Result: {unexpected.Count} unexpected violation(s), {missing.Count} expected one(s) missing.");
            }

            return unexpected.Count == 0 && missing.Count == 0 ? ExitCodes.Ok : ExitCodes.Violations;
        }));
        return command;
    }

    /// <summary>Splits the violations into those the scenario expects and the rest; lists expectations that were not met.</summary>
    internal static List<Violation> Judge(ScenarioFile script, BugCheckOutcome outcome, out List<string> missing)
    {
        var expected = script.Callbacks
            .SelectMany(callback => (callback.Expect ?? []).Select(code => (callback.Component, Code: code)))
            .ToHashSet();
        var unexpected = outcome.Violations.Where(v => !expected.Contains((v.Component, v.Code))).ToList();
        missing = expected
            .Where(e => !outcome.Violations.Any(v => v.Component == e.Component && v.Code == e.Code))
            .Select(e => $"{e.Code} from {e.Component}")
            .ToList();
        return unexpected;
    }

    internal static ulong? ParseNumber(string option, string? text) =>
        text is null ? null
        : NumberText.TryParse(text, out var value) ? value
        : throw new UsageException($"{option} \"{text}\" is not a number (hex with 0x, or decimal, from 0 to 2^64-1).");

    internal static T WithProgress<T>(IAnsiConsole console, string title, Func<Action<long>, T> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return work(_ => { });
        }

        var result = default(T)!;
        console.Progress()
            .Columns(new TaskDescriptionColumn(), new SpinnerColumn(), new DownloadedColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(title, maxValue: double.MaxValue);
                task.IsIndeterminate = true;
                result = work(bytes => task.Value = bytes);
                task.StopTask();
            });
        return result;
    }

    /// <summary>Passes every write to the file writer and reports the bytes written so far.</summary>
    private sealed class ProgressSink(DumpFileWriter writer, Action<long> report) : IDumpSink
    {
        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            writer.Write(offset, data);
            report(writer.BytesWritten);
        }

        public void Complete() => writer.Complete();
    }
}
