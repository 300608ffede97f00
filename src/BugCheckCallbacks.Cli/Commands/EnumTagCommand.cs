using System.CommandLine;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck enumtag FILE</c>: the debugger's <c>.enumtag</c> for a dump file or a bare DumpBlob region.</summary>
internal static class EnumTagCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A .bcdump file, or any file that is a bare DumpBlob region." };
        var command = new Command("enumtag", "List the secondary-data tags: GUID, friendly name, size, offset and owner.");
        command.Arguments.Add(file);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
            using var source = DumpSource.Open(parse.GetValue(file)!);
            var table = OutcomeView.Table("Tag", "Name", "Size", "Offset", "Component");
            var count = 0;
            foreach (var tag in source.Blobs.EnumerateTags())
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
