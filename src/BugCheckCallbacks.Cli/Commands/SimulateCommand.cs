using System.CommandLine;
using System.Globalization;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck simulate</c>: run a scenario through a simulated bug check and write the dump.</summary>
internal static class SimulateCommand
{
    public static Command Create(CliContext context)
    {
        var code = new Option<string?>("--code") { Description = "The stop code, a number as WinDbg reads it (hex by default); default: the scenario's, else D1.", HelpName = "n" };
        var parameters = Enumerable.Range(1, 4)
            .Select(i => new Option<string?>($"--param{i}") { Description = $"Bug-check parameter {i}, a number as WinDbg reads it; default: the scenario's, else 0.", HelpName = "n" })
            .ToArray();
        var dumpType = new Option<string?>("--dump-type") { Description = $"{string.Join(", ", ScenarioEnums.DumpTypes)} (any case); default: the scenario's, else Automatic.", HelpName = "type" };
        var order = new Option<string?>("--order") { Description = "NewestFirst (Windows) or OldestFirst (ReactOS), any case; default: the scenario's, else NewestFirst.", HelpName = "order" };
        var output = new Option<string>("--out") { Description = "The x64 kernel dump to write; the outcome report goes beside it (crash.dmp, crash.outcome.json).", HelpName = "file", DefaultValueFactory = _ => "crash.dmp" };
        var scenario = new Option<string?>("--scenario") { Description = "A JSON scenario file ('bugcheck scenario' prints the built-in one to start from); default: the built-in scenario.", HelpName = "file" };
        var driver = new Option<string?>("--driver") { Description = "A native driver library built with include/bugcheck_callbacks.h (docs/native.md): its DriverEntry runs and its callbacks join the scenario's, or run alone without --scenario.", HelpName = "library" };
        var log = new Option<string?>("--log") { Description = "Which calls the outcome keeps: Bounded (every call up to 10,000, then counts), All, or None (per-record summaries and violations only); any case. Default: Bounded.", HelpName = "log" };
        var json = BugCheckCli.JsonOption("Print the outcome as JSON (the report's schema, docs/simulation.md) instead of tables.");
        var expect = new Option<string[]>("--expect")
        {
            Description = "A violation to expect, as CODE@COMPONENT (BCV0001@faulty.sys); may repeat. Joins the scenario's \"expect\" lists: a native driver's expected violations, say, so that a run that commits exactly them exits 0.",
            HelpName = "CODE@COMPONENT",
            AllowMultipleArgumentsPerToken = false,
        };
        var allowLarge = new Option<bool>("--allow-large") { Description = $"Lift the scenario limits that protect the machine: scenario files over 16 MiB, memory regions over 4 GiB in all, callback buffers over 256 MiB in all, call budgets over {ScenarioLimits.MaxCallTimeBudgetMs} ms, long names and lists ('bugcheck scenario --schema' lists them)." };
        var html = new Option<string?>("--html") { Description = "Also write the crash as one self-contained HTML page ('bugcheck report' writes the same from a dump).", HelpName = "file" };

        var command = new Command("simulate", "Register scripted callbacks, bug-check the simulated kernel, write the dump and its outcome report, and report every call and violation.");
        command.Options.Add(code);
        foreach (var option in parameters)
        {
            command.Options.Add(option);
        }

        command.Options.Add(dumpType);
        command.Options.Add(order);
        command.Options.Add(output);
        command.Options.Add(scenario);
        command.Options.Add(driver);
        command.Options.Add(log);
        command.Options.Add(json);
        command.Options.Add(expect);
        command.Options.Add(allowLarge);
        command.Options.Add(html);
        BugCheckCli.Examples[command] =
        [
            "bugcheck simulate",
            "bugcheck simulate --scenario my-drivers.json --dump-type triage --out triage.dmp",
            "bugcheck simulate --code 0000009f --param1 3 --param4 'ffffe000`12340000' --json",
            "bugcheck simulate --driver ./build/libmydriver.so --out mydriver.dmp",
            "bugcheck simulate --html crash.html",
            "bugcheck simulate --driver ./build/libfaulty.so --expect BCV0001@faulty.sys --expect BCV0004@faulty.sys",
        ];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var driverPath = parse.GetValue(driver);
            var script = parse.GetValue(scenario) is { } path ? ScenarioLoader.Load(path, parse.GetValue(allowLarge))
                : driverPath is not null ? ScenarioLoader.Parse("""{ "callbacks": [] }""", "--driver")
                : ScenarioLoader.LoadDefault();
            ScenarioLimits.Check(script, parse.GetValue(allowLarge));
            var stopCode = parse.GetValue(code) is { } codeText ? (uint)NumberText.Parse("--code", codeText, uint.MaxValue) : script.BugCheck?.Code ?? 0xD1;
            var values = new ulong[4];
            for (var i = 0; i < 4; i++)
            {
                values[i] = parse.GetValue(parameters[i]) is { } text ? NumberText.Parse($"--param{i + 1}", text) : script.BugCheck?.Parameters?.ElementAtOrDefault(i) ?? 0;
            }

            if (parse.GetValue(code) is not null && script.BugCheck?.Code is { } scenarioCode && scenarioCode != stopCode
                && script.BugCheck.Parameters is { Count: > 0 } kept && parameters.All(p => parse.GetValue(p) is null) && !context.Quiet)
            {
                context.Error.WriteLine($"warning: --code 0x{stopCode:X} keeps the scenario's parameters, written for 0x{scenarioCode:X} ({string.Join(", ", kept.Select(p => $"0x{p:X}"))}); give --param1 to --param4 to set this code's own.");
            }

            var type = parse.GetValue(dumpType) is { } typeText ? ScenarioEnums.Parse("--dump-type", typeText, ScenarioEnums.DumpTypes) : (DumpType?)null;
            var callOrder = parse.GetValue(order) is { } orderText ? ScenarioEnums.Parse("--order", orderText, ScenarioEnums.Orders) : (Registration.CallbackOrder?)null;
            var outPath = BugCheckCli.WritableFile("--out", parse.GetValue(output)!);
            var reportPath = BugCheckCli.WritableFile("--out (its outcome report)", OutcomeReport.PathFor(outPath));
            var symbolsFolder = BugCheckCli.WritableFolder("--out (its symbol folder)", Path.ChangeExtension(outPath, ".symbols"));
            var htmlPath = parse.GetValue(html) is { } htmlText ? BugCheckCli.WritableFile("--html", htmlText) : null;
            if (htmlPath is not null)
            {
                OutputFile.RefuseSameFile("--html", htmlPath, "--out", outPath);
                OutputFile.RefuseSameFile("--html", htmlPath, "--out (its outcome report)", reportPath);
            }

            foreach (var (input, name) in new[] { (parse.GetValue(scenario), "--scenario"), (driverPath, "--driver") })
            {
                if (input is not null)
                {
                    OutputFile.RefuseSameFile("--out", outPath, name, input);
                    OutputFile.RefuseSameFile("--out (its outcome report)", reportPath, name, input);
                    if (htmlPath is not null)
                    {
                        OutputFile.RefuseSameFile("--html", htmlPath, name, input);
                    }
                }
            }

            var expectations = Expectations(script).Concat((parse.GetValue(expect) ?? []).Select(ParseExpectation)).Distinct().ToList();
            var logMode = parse.GetValue(log) is { } logText ? ScenarioEnums.Parse("--log", logText, ScenarioEnums.Logs) : InvocationLog.Bounded;
            var kernel = ScenarioBuilder.CreateKernel(script, type, callOrder, logMode);
            using var drivers = new DriverSet(kernel);
            drivers.Load("$.driver", script.DriverPath, context.Error);
            drivers.Load("--driver", driverPath, context.Error);
            var asJson = parse.GetValue(json);
            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor) || asJson || context.Quiet);
            BugCheckOutcome outcome;
            long bytes;
            using (var dumpFile = OutputFile.Create("--out", outPath))
            using (var report = OutputFile.Create("--out (its outcome report)", reportPath))
            {
                using (var writer = new DumpFileWriter(dumpFile.Stream, leaveOpen: true))
                {
                    outcome = WithProgress(console, "Writing dump", null, progress =>
                        kernel.KeBugCheckEx(stopCode, values[0], values[1], values[2], values[3], new ProgressSink(writer, progress)));
                    bytes = writer.BytesWritten;
                }

                outcome = outcome.WithExpectedViolations(expectations); // the report says which violations were provoked on purpose

                outcome.WriteJson(report.Stream);
                dumpFile.Commit(); // both whole: the dump and its report replace what was there, together
                report.Commit();
            }

            // The simulated kernel's symbols for Volatility 3 (vol -s FOLDER), when the dump holds the kernel's memory.
            var symbolsPath = outcome.Kernel is not null && outcome.DumpType is not (DumpType.Triage or DumpType.Header)
                ? KernelSymbols.Write(symbolsFolder)
                : null;

            var htmlBytes = htmlPath is null ? 0 : ReportCommand.Write(context, "--html", htmlPath, outPath, outcome);
            var unexpected = outcome.Violations.Where(v => outcome.IsExpected(v) != true).ToList();
            var missing = outcome.MissingExpectations.Select(e => $"{e.Code} from {e.Component}").ToList();
            if (asJson)
            {
                context.Out.WriteLine(outcome.ToJson()); // the data asked for: --quiet keeps it
            }
            else if (!context.Quiet)
            {
                OutcomeView.Render(console, outcome);
                console.WriteLine($"Dump written to {outPath} ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes).");
                console.WriteLine($"Outcome report written to {reportPath}.");
                if (symbolsPath is not null)
                {
                    console.WriteLine($"Volatility 3 symbols written to {symbolsFolder} (vol -s {symbolsFolder} -f {outPath} windows.modules).");
                }
                if (htmlPath is not null)
                {
                    console.WriteLine($"HTML report written to {htmlPath} ({htmlBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes).");
                }

                foreach (var expectation in missing)
                {
                    console.WriteLine($"Expected but not seen: {expectation}");
                }

                console.WriteLine(Result(outcome, unexpected.Count, missing.Count));
            }

            return unexpected.Count == 0 && missing.Count == 0 ? ExitCodes.Ok : ExitCodes.Violations;
        }));
        return command;
    }

    /// <summary>The last line: the verdict in words, counted in the right number.</summary>
    internal static string Result(BugCheckOutcome outcome, int unexpected, int missing)
    {
        var expected = outcome.ExpectedViolations?.Count ?? 0;
        if (outcome.Violations.Count == 0 && expected == 0)
        {
            return "Result: no violations, and none was expected.";
        }

        if (unexpected == 0 && missing == 0)
        {
            return $"Result: {Plural.Count(outcome.Violations.Count, "violation")}, each one the scenario expects.";
        }

        var none = expected == 0 ? " (nothing was expected: a scenario's \"expect\" lists, or --expect CODE@COMPONENT, say what to expect)" : string.Empty;
        return $"Result: {Plural.Count(unexpected, "unexpected violation")}{none}, {Plural.Count(missing, "expected violation")} missing.";
    }

    /// <summary>Reads --expect's CODE@COMPONENT; a code that is not a verifier code, or no component, is a usage error.</summary>
    internal static ExpectedViolation ParseExpectation(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var code = at > 0 ? text[..at].Trim().ToUpperInvariant() : string.Empty;
        var component = at > 0 ? text[(at + 1)..].Trim() : string.Empty;
        if (code.Length == 0 || component.Length == 0)
        {
            throw new UsageException($"--expect \"{text}\" is not CODE@COMPONENT: write it as BCV0001@faulty.sys.");
        }

        if (!VerifierRules.All.Any(kind => VerifierRules.GetCode(kind) == code))
        {
            throw new UsageException($"--expect \"{text}\": {code} is not a verifier code; the codes are BCV0001 to BCV{VerifierRules.All.Count:D4} (docs/verifier.md).");
        }

        return new ExpectedViolation(component, code);
    }

    /// <summary>The violations the scenario provokes on purpose: each callback's <c>"expect"</c> codes, once each.</summary>
    internal static IEnumerable<ExpectedViolation> Expectations(ScenarioFile script) =>
        script.Callbacks.SelectMany(callback => (callback.Expect ?? []).Select(code => new ExpectedViolation(callback.Component, code))).Distinct();

    /// <summary>Runs <paramref name="work"/> under a progress bar on a terminal; the bar shows the real total once it is known.</summary>
    internal static T WithProgress<T>(IAnsiConsole console, string title, long? total, Func<Action<long, long?>, T> work)
    {
        if (!console.Profile.Capabilities.Interactive)
        {
            return work((_, _) => { });
        }

        var result = default(T)!;
        console.Progress()
            .AutoClear(true) // the bar is for the wait, not for the scrollback
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new DownloadedColumn())
            .Start(progress =>
            {
                var task = progress.AddTask(title, maxValue: Math.Max(1, total ?? 1));
                task.IsIndeterminate = total is null;
                result = work((done, knownTotal) =>
                {
                    if (knownTotal is { } size && task.IsIndeterminate)
                    {
                        task.MaxValue = Math.Max(size, done);
                        task.IsIndeterminate = false;
                    }

                    task.MaxValue = Math.Max(task.MaxValue, done);
                    task.Value = done;
                });
                task.StopTask();
            });
        return result;
    }

    /// <summary>Passes every write to the file writer and reports the bytes written so far, and the total once the header says it.</summary>
    private sealed class ProgressSink(DumpFileWriter writer, Action<long, long?> report) : IDumpSink
    {
        public void Write(long offset, ReadOnlySpan<byte> data)
        {
            writer.Write(offset, data);
            report(writer.BytesWritten, writer.ExpectedLength);
        }

        public void Complete() => writer.Complete();
    }
}
