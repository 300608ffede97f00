using System.CommandLine;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>
/// <c>bugcheck callbacks FILE</c>: every bug-check callback list a kernel dump holds (classic, reason, add/remove pages),
/// every record with its routine as module+offset, and the integrity findings; exit 1 when one is flagged.
/// </summary>
internal static class CallbacksCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "An x64 kernel dump (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump)." };
        var heads = new Option<string[]>("--head")
        {
            Description = "A list head you know from symbols, as LIST=ADDRESS (LIST: Classic, Reason or AddRemovePages); may repeat. Without it the classic head comes from the KDBG block and the others from carving.",
            HelpName = "LIST=ADDRESS",
            AllowMultipleArgumentsPerToken = false,
        };
        var json = BugCheckCli.JsonOption();
        var command = new Command("callbacks", "List the bug-check callback lists a kernel dump holds and every record on them, without symbols: routine as module+offset, component, state, checksum, and findings (exit 1 when one is flagged).");
        command.Arguments.Add(file);
        command.Options.Add(heads);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck callbacks crash.dmp", "bugcheck callbacks crash.dmp --head 'Reason=0xfffff800`00001370'", "bugcheck callbacks crash.dmp --json | jq '.lists[].records[].routineSymbol'"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var given = ParseHeads(parse.GetValue(heads) ?? []);
            var path = BugCheckCli.ExistingFile(parse.GetValue(file)!);
            using var dump = DumpFile.Open(path);
            var scan = new KernelWalker(dump).ReadCallbackLists(given);
            var findings = scan.AllFindings.Count();
            if (parse.GetValue(json))
            {
                BugCheckCli.WriteJson(
                    context,
                    new JsonCallbacksDocument(CliJson.SchemaVersion, "callbacks", path, [.. scan.Lists.Select(ForensicsJson.List)], [.. scan.Unlinked.Select(ForensicsJson.Record)], [.. scan.Notes], findings),
                    ForensicsJsonContext.Default.JsonCallbacksDocument);
            }
            else if (!context.Quiet)
            {
                Render(context.CreateConsole(parse.GetValue(BugCheckCli.NoColor)), scan, findings);
            }

            return findings > 0 ? ExitCodes.Violations : ExitCodes.Ok;
        }));
        return command;
    }

    private static Dictionary<CallbackListKind, ulong> ParseHeads(string[] values)
    {
        var heads = new Dictionary<CallbackListKind, ulong>();
        foreach (var value in values)
        {
            var equals = value.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? Enum.GetNames<CallbackListKind>().FirstOrDefault(n => n.Equals(value[..equals], StringComparison.OrdinalIgnoreCase)) : null;
            if (name is null)
            {
                throw new UsageException($"--head \"{value}\" is not LIST=ADDRESS: LIST is Classic, Reason or AddRemovePages.");
            }

            var kind = Enum.Parse<CallbackListKind>(name);
            if (!heads.TryAdd(kind, NumberText.Parse("--head", value[(equals + 1)..])))
            {
                throw new UsageException($"--head names the {kind} list twice; give each list once.");
            }
        }

        return heads;
    }

    private static void Render(IAnsiConsole console, CallbackScan scan, int findings)
    {
        foreach (var list in scan.Lists)
        {
            var table = new CliTable($"{list.Kind} list, head 0x{list.Head:X16} ({list.Source})", "Record", "Reason", "Routine", "Component", "State", "Checksum");
            foreach (var record in list.Records)
            {
                AddRow(table, record);
            }

            table.Render(console);
            WriteFindings(console, list.Findings.Concat(list.Records.SelectMany(r => r.Findings)));
        }

        if (scan.Unlinked.Count > 0)
        {
            var table = new CliTable("Records on no list (carved)", "Record", "Reason", "Routine", "Component", "State", "Checksum");
            foreach (var record in scan.Unlinked)
            {
                AddRow(table, record);
            }

            table.Render(console);
            WriteFindings(console, scan.Unlinked.SelectMany(r => r.Findings));
        }

        foreach (var note in scan.Notes)
        {
            console.WriteLine(note);
        }

        console.WriteLine(findings == 0 ? "No integrity findings." : $"{findings} integrity finding{(findings == 1 ? string.Empty : "s")}.");
    }

    private static void AddRow(CliTable table, CallbackRecordInfo record)
    {
        var flagged = record.Findings.Count > 0 ? new Style(Color.Red) : Style.Plain;
        table.Add(
            ($"0x{record.Address:X16}", flagged),
            (record.ReasonName.Replace("KbCallback", string.Empty, StringComparison.Ordinal), Style.Plain),
            (record.RoutineSymbol, record.RoutineModule is null ? new Style(Color.Red) : Style.Plain),
            (record.Component ?? "(unreadable)", record.Component is null ? new Style(Color.Red) : Style.Plain),
            (record.StateName, Style.Plain),
            (record.ChecksumValid ? "ok" : "MISMATCH", record.ChecksumValid ? Style.Plain : new Style(Color.Red)));
    }

    private static void WriteFindings(IAnsiConsole console, IEnumerable<IntegrityFinding> findings)
    {
        foreach (var finding in findings)
        {
            console.WriteLine($"! {finding.Kind} at 0x{finding.Address:X16}: {finding.Detail}");
        }
    }
}
