using System.CommandLine;
using System.Text;
using BugCheckCallbacks.Cli.Output;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck reasons</c>: the contract table, from the library's metadata.</summary>
internal static class ReasonsCommand
{
    public static Command Create(CliContext context)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print the table as Markdown (docs/contract.md is generated this way)." };
        var json = BugCheckCli.JsonOption();
        var command = new Command("reasons", "List every KBUGCHECK_CALLBACK_REASON: value, wdm.h name, data structure, minimum Windows version, meaning.");
        command.Options.Add(markdown);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck reasons", "bugcheck reasons --json | jq '.reasons[] | select(.dispatched) | .nativeName'"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            if (parse.GetValue(markdown))
            {
                context.Out.Write(Markdown());
                return ExitCodes.Ok;
            }

            if (parse.GetValue(json))
            {
                var reasons = BugCheckReasons.All
                    .Select(r => new JsonReason(r.Value, r.Reason.ToString(), r.NativeName, r.NativeDataTypeName, r.MinimumVersion, r.IsDispatched, r.Description))
                    .ToList();
                BugCheckCli.WriteJson(context, new JsonReasonsDocument(CliJson.SchemaVersion, "reasons", reasons), CliJsonContext.Default.JsonReasonsDocument);
                return ExitCodes.Ok;
            }

            if (context.Quiet)
            {
                return ExitCodes.Ok;
            }

            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
            var table = new CliTable("KBUGCHECK_CALLBACK_REASON", "wdm.h name", "Value", "Data", "Minimum version", "Dispatched", "Meaning");
            foreach (var info in BugCheckReasons.All)
            {
                table.Add(
                    info.NativeName, info.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), info.NativeDataTypeName ?? "(none)",
                    info.MinimumVersion, info.IsDispatched ? "yes" : "no", info.Description);
            }

            table.Render(console);
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The reasons table in Markdown, as docs/contract.md embeds it.</summary>
    internal static string Markdown()
    {
        var text = new StringBuilder();
        text.Append("| Value | wdm.h name | Managed member | Data (wdm.h) | Managed data | Minimum version | Dispatched | Meaning |\n");
        text.Append("|---|---|---|---|---|---|---|---|\n");
        foreach (var info in BugCheckReasons.All)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"| {info.Value} | `{info.NativeName}` | `BugCheckCallbackReason.{info.Reason}` | {Code(info.NativeDataTypeName)} | {Code(info.DataType?.Name)} | {info.MinimumVersion} | {(info.IsDispatched ? "yes" : "no")} | {info.Description} |\n");
        }

        return text.ToString();

        static string Code(string? name) => name is null ? "—" : $"`{name}`";
    }
}
