using System.CommandLine;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck enumtag FILE</c>: the debugger's <c>.enumtag</c> for a kernel dump or a bare DumpBlob region.</summary>
internal static class EnumTagCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "An x64 kernel dump (types 1, 5, 6), or any file that is a bare DumpBlob region." };
        var command = new Command("enumtag", "List the secondary-data tags: GUID, friendly name, size, file offset and, from the outcome report beside a simulated dump, the owner.");
        command.Arguments.Add(file);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
            using var source = DumpSource.Open(parse.GetValue(file)!, context.Error);
            if (source.Blobs is null)
            {
                console.WriteLine("No secondary-data region: no DumpBlob header follows the dump's body.");
                return ExitCodes.Ok;
            }

            var table = OutcomeView.Table("Tag", "Name", "Size", "Offset", "Component");
            var count = 0;
            foreach (var tag in source.Tags)
            {
                table.AddRow(
                    OutcomeView.Cell($"{{{tag.Tag}}}"), OutcomeView.Cell(tag.FriendlyName ?? string.Empty), OutcomeView.Cell($"0x{tag.Size:X}"),
                    OutcomeView.Cell($"0x{tag.Offset:X}"), OutcomeView.Cell(tag.Component ?? string.Empty));
                count++;
            }

            console.Write(table);
            console.WriteLine($"{count} tag(s); DumpBlob build {source.Blobs.BuildNumber}.");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
