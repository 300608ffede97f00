using System.CommandLine;
using System.Globalization;
using BugCheckCallbacks.Binary;
using BugCheckCallbacks.Cli.Output;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>
/// <c>bugcheck inspect FILE...</c>: a driver binary's bug-check callbacks, read from the file without running it — each
/// call to the registration routines, with the reason, the routine, the record and the component it passes — and the
/// findings about them (docs/inspect.md); exit 1 on a defect.
/// </summary>
internal static class InspectCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("file") { Description = "x64 kernel-mode driver images (.sys, PE32+); several files or a pattern (*.sys).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("inspect", "List the bug-check callbacks a driver binary registers and deregisters (for each call: the reason, the callback routine, the record and the component, read from its code) and what is wrong with them; exit 1 on a defect.");
        command.Arguments.Add(files);
        ParseErrorMessage.RefuseOptionsAsFiles(command, files);
        var json = BugCheckCli.JsonOption();
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck inspect driver.sys", "bugcheck inspect *.sys --json | jq '.files[].calls[]'"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var paths = DumpFiles.Expand(parse.GetValue(files)!);
            if (parse.GetValue(json))
            {
                var defects = 0;
                var exit = DumpFiles.RunJson(
                    context,
                    paths,
                    (path, _) =>
                    {
                        var inspection = DriverInspection.Inspect(DriverImage.Open(path));
                        Interlocked.Add(ref defects, inspection.Findings.Count(f => !f.IsForensic));
                        return Describe(path, inspection);
                    },
                    (path, error) => new JsonInspectFile(path, null, null, null, null, null, null, null, null, error),
                    entries => BugCheckCli.WriteJson(context, new JsonInspectDocument(CliJson.SchemaVersion, "inspect", [.. entries]), CliJsonContext.Default.JsonInspectDocument));
                return exit != ExitCodes.Ok ? exit : defects > 0 ? ExitCodes.Violations : ExitCodes.Ok;
            }

            var noColor = parse.GetValue(BugCheckCli.NoColor);
            return DumpFiles.Run(context, paths, (_, path, file) =>
            {
                var inspection = DriverInspection.Inspect(DriverImage.Open(path));
                var result = inspection.Findings.Any(f => !f.IsForensic) ? ExitCodes.Violations : ExitCodes.Ok;
                if (file.Quiet)
                {
                    return result;
                }

                var console = file.CreateConsole(noColor);
                if (paths.Count > 1)
                {
                    console.WriteLine($"== {path}");
                }

                Render(console, inspection);
                return result;
            });
        }));
        return command;
    }

    private static void Render(IAnsiConsole console, DriverInspection inspection)
    {
        var (image, calls) = (inspection.Image, inspection.Calls);
        console.WriteLine(Invariant($"x64 {image.Subsystem} image, base 0x{image.ImageBase:X}, 0x{image.SizeOfImage:X} bytes, sections {string.Join(' ', image.Sections.Select(s => s.Name))}, entry {Place(image, image.EntryPoint)}"));
        var table = new CliTable("Bug-check callback calls", "#", "Call at", "Routine", "Reason", "Callback", "Record", "Component");
        for (var i = 0; i < calls.Count; i++)
        {
            var call = calls[i];
            table.Add(
                Invariant($"{i + 1}"), Place(image, call.CallRva), call.Routine.ToString(),
                call.Reason is { } reason ? Invariant($"{reason} ({(int)reason})") : call.Routine == RegistrationRoutine.KeRegisterBugCheckReasonCallback ? "unknown" : "-",
                call.IsRegistration ? Place(image, call.CallbackRva) : "-", Place(image, call.RecordRva), call.IsRegistration ? call.Component ?? "unknown" : "-");
        }

        table.Render(console);
        console.WriteLine(Invariant($"{Plural.Count(calls.Count(c => c.IsRegistration), "registration")}, {Plural.Count(calls.Count(c => !c.IsRegistration), "deregistration")}; \"unknown\": not a constant set in the call's basic block (docs/inspect.md)."));
        if (inspection.Findings.Count > 0)
        {
            var findings = new CliTable("Findings", "Kind", "Where", "Call at", "Why");
            foreach (var finding in inspection.Findings)
            {
                findings.Add(finding.IsForensic ? $"{finding.Kind} (for an analyst)" : finding.Kind.ToString(), Place(image, finding.Rva), Place(image, finding.CallRva), finding.Detail);
            }

            findings.Render(console);
        }

        if (inspection.UnresolvedCalls.Count > 0)
        {
            console.WriteLine(Invariant($"Not followed: {Plural.Count(inspection.UnresolvedCalls.Count, "indirect call")} the callbacks reach, to targets not known from the code ({string.Join(", ", inspection.UnresolvedCalls.Take(8).Select(rva => Place(image, rva)))}{(inspection.UnresolvedCalls.Count > 8 ? ", …" : string.Empty)}): what they call is not judged."));
        }

        if (inspection.IsWalkTruncated)
        {
            console.WriteLine("Not followed: a callback's code past 4,000,000 instructions; what it reaches beyond is not judged.");
        }

        var defects = inspection.Findings.Count(f => !f.IsForensic);
        console.WriteLine(Invariant($"Result: {Plural.Count(defects, "defect")}, {Plural.Count(inspection.Findings.Count - defects, "flag")} for an analyst."));
    }

    private static JsonInspectFile Describe(string path, DriverInspection inspection)
    {
        var image = inspection.Image;
        return new(
            path,
            CliJson.Hex(image.ImageBase),
            CliJson.Hex(image.SizeOfImage),
            [.. image.Sections.Select(s => new JsonImageSection(s.Name, CliJson.Hex(s.VirtualAddress), CliJson.Hex(s.VirtualSize), s.IsExecutable, s.IsDiscardable, s.IsPageable))],
            [.. inspection.Calls.Select(c => new JsonRegistrationCall(
                c.Routine.ToString(), CliJson.Hex(c.CallRva), Place(image, c.CallRva), c.Reason?.ToString(), c.Reason is { } r ? (int)r : null,
                Rva(c.CallbackRva), c.CallbackRva is null ? null : Place(image, c.CallbackRva), Rva(c.RecordRva), c.RecordRva is null ? null : Place(image, c.RecordRva), c.Component, c.ResultUsed))],
            [.. inspection.Findings.Select(f => new JsonInspectionFinding(f.Kind.ToString(), f.IsForensic, CliJson.Hex(f.Rva), Place(image, f.Rva), Place(image, f.CallRva), f.Detail))],
            [.. inspection.Reached.Select(r => new JsonReachedImport(
                r.Import.Module, r.Import.DisplayName, Place(image, r.CallRva), [.. r.Path.Select(rva => Place(image, rva))],
                r.Import.Name is { } name && KernelRoutineRules.For(name) is { } rule ? (rule.Forbidden ? "forbidden" : "allowed") : "unknown"))],
            [.. inspection.UnresolvedCalls.Select(rva => Place(image, rva))],
            inspection.IsWalkTruncated,
            null);
    }

    private static string? Rva(uint? rva) => rva is { } value ? CliJson.Hex(value) : null;

    /// <summary>Where an RVA is, as a debugger would say it (<see cref="DriverImage.DescribeRva"/>); "unknown" for none.</summary>
    internal static string Place(DriverImage image, uint? rva) => rva is { } value ? image.DescribeRva(value) : "unknown";

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
