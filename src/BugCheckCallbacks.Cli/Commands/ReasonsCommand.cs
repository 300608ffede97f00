using System.CommandLine;
using Spectre.Console;
using System.Text;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck reasons</c>: the contract table, from the library's metadata.</summary>
internal static class ReasonsCommand
{
    public static Command Create(CliContext context)
    {
        var markdown = new Option<bool>("--markdown") { Description = "Print the table as Markdown (docs/contract.md is generated this way)." };
        var command = new Command("reasons", "List every KBUGCHECK_CALLBACK_REASON: value, wdm.h name, data structure, minimum Windows version, meaning.");
        command.Options.Add(markdown);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            if (parse.GetValue(markdown))
            {
                context.Out.Write(Markdown());
                return ExitCodes.Ok;
            }

            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
            var table = OutcomeView.Table("Value", "wdm.h name", "Data", "Minimum version", "Dispatched", "Meaning");
            foreach (var info in BugCheckReasons.All)
            {
                table.AddRow(
                    OutcomeView.Cell(info.Value), OutcomeView.Cell(info.NativeName), OutcomeView.Cell(info.NativeDataTypeName ?? "(none)"),
                    OutcomeView.Cell(info.MinimumVersion), OutcomeView.Cell(info.IsDispatched ? "yes" : "no"), OutcomeView.Cell(info.Description));
            }

            console.Write(table);
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
