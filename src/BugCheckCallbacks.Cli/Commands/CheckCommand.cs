using System.CommandLine;
using System.Globalization;
using BugCheckCallbacks.Checking;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Simulation;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>
/// <c>bugcheck check --driver LIB</c>: the contract checker from the command line. Every reason the driver's DriverEntry
/// registers is run through every situation the contract allows (each in a kernel and a private copy of the driver of its
/// own); the findings name their situation, and <c>--seed</c> replays the same run. Exit 1 on a finding.
/// </summary>
internal static class CheckCommand
{
    public static Command Create(CliContext context)
    {
        var driver = new Option<string>("--driver") { Description = "A native driver library built with include/bugcheck_callbacks.h (docs/native.md).", HelpName = "library", Required = true };
        var seed = new Option<string?>("--seed") { Description = "The seed of the generated situations, in decimal as it is printed; the same seed runs the same situations (default 1).", HelpName = "n" };
        var situations = new Option<string?>("--situations") { Description = "How many generated situations to add per reason to the fixed table, in decimal (default 32).", HelpName = "n" };
        var json = BugCheckCli.JsonOption();
        var command = new Command("check", "Run a native driver's callbacks through every situation the contract allows (sizes, dump types, repeats, a fault before, a second instance), reason by reason; list each finding with its situation and the seed that replays it; exit 1 on a finding.");
        command.Options.Add(driver);
        command.Options.Add(seed);
        command.Options.Add(situations);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck check --driver ./build/libmydriver.so", "bugcheck check --driver ./build/libmydriver.so --seed 7 --json | jq '.reasons[].findings[]'"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var path = BugCheckCli.ExistingFile(parse.GetValue(driver)!, "--driver");
            var options = new ContractCheckOptions
            {
                // Decimal, as the seed is printed and as --situations and --part are counted: the hint that says "--seed 16"
                // must replay seed 16, not 0x16.
                Seed = parse.GetValue(seed) is { } seedText
                    ? int.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out var s) ? s : throw new UsageException($"--seed \"{seedText}\" is not a seed from 0 to {int.MaxValue}, in decimal (as the findings print it).")
                    : 1,
                GeneratedSituations = parse.GetValue(situations) is { } count
                    ? int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n <= 100_000 ? n : throw new UsageException($"--situations \"{count}\" is not a count from 0 to 100000, in decimal.")
                    : 32,
            };
            var results = DriverSet.Loading("--driver", () => ContractChecker.CheckDriver(path, options));

            if (results.Count == 0)
            {
                context.Error.WriteLine($"warning: --driver \"{path}\": DriverEntry registered no reason callback, so there is nothing to check.");
            }

            var findings = results.Sum(r => r.Findings.Count);
            if (parse.GetValue(json))
            {
                BugCheckCli.WriteJson(context, new JsonCheckDocument(CliJson.SchemaVersion, "check", path, options.Seed, [.. results.Select(Reason)], findings), CliJsonContext.Default.JsonCheckDocument);
            }
            else if (!context.Quiet)
            {
                Render(context.CreateConsole(parse.GetValue(BugCheckCli.NoColor)), path, options, results, findings);
            }

            return findings > 0 || results.Any(r => r.NotRun.Count > 0) ? ExitCodes.Violations : ExitCodes.Ok;
        }));
        return command;
    }

    private static void Render(IAnsiConsole console, string path, ContractCheckOptions options, IReadOnlyList<ContractCheckResult> results, int findings)
    {
        var summary = new CliTable("Reasons the driver registers", "Reason", "Situations", "Not run", "Findings", "Kinds");
        foreach (var result in results)
        {
            summary.Add(result.Reason.ToString(), result.Situations.Count.ToString(CultureInfo.InvariantCulture), result.NotRun.Count.ToString(CultureInfo.InvariantCulture), result.Findings.Count.ToString(CultureInfo.InvariantCulture), string.Join(", ", result.Kinds));
        }

        summary.Render(console);
        var table = new CliTable("Findings", "Code", "Kind", "Reason", "Situation", "Detail");
        foreach (var finding in results.SelectMany(r => r.Findings))
        {
            table.Add(finding.Violation.Code, finding.Violation.Kind.ToString(), finding.Situation.Reason.ToString(), finding.Situation.ToString(), finding.Violation.Detail);
        }

        if (table.Count > 0)
        {
            table.Render(console);
        }

        foreach (var notRun in results.SelectMany(r => r.NotRun))
        {
            console.WriteLine($"Not run: {notRun}");
        }

        console.WriteLine(findings == 0
            ? $"Result: no findings in {results.Sum(r => r.Situations.Count)} situations of {Plural.Count(results.Count, "reason")}."
            : $"Result: {Plural.Count(findings, "finding")}; 'bugcheck check --driver {path} --seed {options.Seed}' runs the same situations again.");
    }

    private static JsonCheckReason Reason(ContractCheckResult result) => new(
        result.Reason.ToString(),
        result.Seed,
        result.Situations.Count,
        [.. result.NotRun.Select(s => s.ToString())],
        [.. result.Findings.Select(f => new JsonCheckFinding(f.Violation.Code, f.Violation.Kind.ToString(), f.Situation.ToString(), f.OfferedMaximumAllowed ?? f.Situation.MaximumAllowed, f.Violation.Phase.ToString(), f.Violation.CallNumber, f.Violation.Detail))]);
}
