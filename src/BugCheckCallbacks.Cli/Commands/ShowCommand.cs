using System.CommandLine;
using Spectre.Console;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck show FILE</c>: header, sections, body ranges, triage blocks and the recorded outcome.</summary>
internal static class ShowCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "A .bcdump file." };
        var json = new Option<bool>("--json") { Description = "Print the recorded outcome as JSON." };
        var command = new Command("show", "Show a dump file: header, sections, body ranges, triage blocks and the recorded outcome.");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            using var dump = DumpFile.Open(parse.GetValue(file)!);
            if (parse.GetValue(json))
            {
                context.Out.WriteLine(dump.ReadOutcome().ToJson());
                return ExitCodes.Ok;
            }

            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
            var header = dump.Header;
            var headerTable = OutcomeView.Table("Field", "Value");
            headerTable.AddRow(OutcomeView.Cell("Format version"), OutcomeView.Cell(header.FormatVersion));
            headerTable.AddRow(OutcomeView.Cell("Bug-check code"), OutcomeView.Cell($"0x{header.BugCheckCode:X8}"));
            headerTable.AddRow(OutcomeView.Cell("Displayed stop code"), OutcomeView.Cell($"0x{header.DisplayedStopCode:X8}"));
            headerTable.AddRow(OutcomeView.Cell("Parameters"), OutcomeView.Cell($"0x{header.BugCheckParameter1:X}, 0x{header.BugCheckParameter2:X}, 0x{header.BugCheckParameter3:X}, 0x{header.BugCheckParameter4:X}"));
            headerTable.AddRow(OutcomeView.Cell("Dump type"), OutcomeView.Cell(header.DumpType));
            headerTable.AddRow(OutcomeView.Cell("Page size"), OutcomeView.Cell(header.PageSize));
            headerTable.AddRow(OutcomeView.Cell("File length"), OutcomeView.Cell(header.FileLength));
            console.Write(headerTable);

            var sections = OutcomeView.Table("Section", "Offset", "Length", "XxHash64");
            foreach (var section in dump.Sections)
            {
                sections.AddRow(OutcomeView.Cell(section.Kind), OutcomeView.Cell($"0x{section.Offset:X}"), OutcomeView.Cell(section.Length), OutcomeView.Cell($"{section.Checksum:X16}"));
            }

            console.Write(sections);
            SimulateCommand.WithProgress(console, "Verifying checksums", report =>
            {
                dump.VerifyChecksums(new ProgressReporter(report));
                return 0;
            });
            console.WriteLine("All section checksums match.");
            console.WriteLine();

            var body = OutcomeView.Table("Space", "Address", "Pages", "File offset");
            foreach (var range in dump.EnumerateBodyRanges())
            {
                body.AddRow(OutcomeView.Cell(range.Range.Space), OutcomeView.Cell($"0x{range.Range.Address:X16}"), OutcomeView.Cell(range.Range.PageCount), OutcomeView.Cell($"0x{range.DataOffset:X}"));
            }

            console.Write(body);
            var triage = OutcomeView.Table("Component", "Address", "Size", "File offset");
            foreach (var block in dump.EnumerateTriageBlocks())
            {
                triage.AddRow(OutcomeView.Cell(block.Block.Component), OutcomeView.Cell($"0x{block.Block.Address:X16}"), OutcomeView.Cell($"0x{block.Block.Size:X}"), OutcomeView.Cell($"0x{block.DataOffset:X}"));
            }

            console.Write(triage);
            console.WriteLine("Recorded outcome:");
            OutcomeView.Render(console, dump.ReadOutcome());
            return ExitCodes.Ok;
        }));
        return command;
    }
}
