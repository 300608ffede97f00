using System.CommandLine;
using System.Globalization;
using BugCheckCallbacks.Dump;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck show FILE</c>: the dump header, physical memory, stored pages, tags, and the outcome report beside it.</summary>
internal static class ShowCommand
{
    private const int MaxRunsShown = 16;

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "An x64 kernel dump (types 1, 5, 6)." };
        var json = new Option<bool>("--json") { Description = "Print the outcome report found beside the dump as JSON." };
        var command = new Command("show", "Show a kernel dump: header, physical memory runs, stored pages, secondary-data tags, and the outcome report written beside a simulated dump.");
        command.Arguments.Add(file);
        command.Options.Add(json);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var path = parse.GetValue(file)!;
            using var source = DumpSource.Open(path, context.Error);
            var dump = source.Dump ?? throw new UsageException($"{path} is a bare DumpBlob region, not a kernel dump: use 'bugcheck enumtag' to list its tags.");
            if (parse.GetValue(json))
            {
                var report = source.Report ?? throw new UsageException($"No outcome report beside the dump: {OutcomeReport.PathFor(path)} does not exist.");
                context.Out.WriteLine(report.ToJson());
                return ExitCodes.Ok;
            }

            var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
            WriteHeader(console, dump);
            WriteMemory(console, dump);
            var tags = OutcomeView.Table("Tag", "Name", "Size", "Offset", "Component");
            foreach (var tag in source.Tags)
            {
                tags.AddRow(OutcomeView.Cell($"{{{tag.Tag}}}"), OutcomeView.Cell(tag.FriendlyName ?? string.Empty), OutcomeView.Cell($"0x{tag.Size:X}"), OutcomeView.Cell($"0x{tag.Offset:X}"), OutcomeView.Cell(tag.Component ?? string.Empty));
            }

            console.WriteLine(dump.HasSecondaryData
                ? $"Secondary data: DumpBlob region at 0x{dump.SecondaryDataOffset:X}, build {source.Blobs!.BuildNumber}."
                : "Secondary data: none (no DumpBlob header follows the body).");
            if (dump.HasSecondaryData)
            {
                console.Write(tags);
            }

            if (source.Report is { } outcome)
            {
                console.WriteLine($"Outcome report ({OutcomeReport.PathFor(path)}):");
                OutcomeView.Render(console, outcome);
            }
            else
            {
                console.WriteLine("No outcome report beside the dump.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static void WriteHeader(IAnsiConsole console, DumpFile dump)
    {
        var h = dump.Header;
        var c = CultureInfo.InvariantCulture;
        var table = OutcomeView.Table("Field", "Value");
        void Row(string field, string value) => table.AddRow(OutcomeView.Cell(field), OutcomeView.Cell(value));
        Row("DumpType", string.Create(c, $"{h.DumpType} ({dump.Layout})"));
        Row("Version", string.Create(c, $"{h.MajorVersion:X}.{h.MinorVersion} (build {h.MinorVersion})"));
        Row("BugCheckCode", string.Create(c, $"0x{h.BugCheckCode:X8}"));
        Row("Parameters", string.Create(c, $"0x{h.BugCheckParameter1:X}, 0x{h.BugCheckParameter2:X}, 0x{h.BugCheckParameter3:X}, 0x{h.BugCheckParameter4:X}"));
        Row("DirectoryTableBase", string.Create(c, $"0x{h.DirectoryTableBase:X}"));
        Row("MachineImageType", string.Create(c, $"0x{h.MachineImageType:X}"));
        Row("NumberProcessors", h.NumberProcessors.ToString(c));
        Row("SystemTime", h.SystemTimeUtc?.ToString("u", c) ?? string.Create(c, $"0x{h.SystemTime:X} (not a valid FILETIME)"));
        Row("Comment", h.Comment);
        Row("RequiredDumpSpace", string.Create(c, $"0x{h.RequiredDumpSpace:X}"));
        Row("File length", string.Create(c, $"0x{dump.Length:X}"));
        console.Write(table);
    }

    private static void WriteMemory(IAnsiConsole console, DumpFile dump)
    {
        var h = dump.Header;
        var runs = OutcomeView.Table("BasePage", "PageCount");
        foreach (var run in h.PhysicalMemoryRuns)
        {
            runs.AddRow(OutcomeView.Cell($"0x{run.BasePage:X}"), OutcomeView.Cell($"0x{run.PageCount:X}"));
        }

        console.WriteLine($"Physical memory: {h.PhysicalMemoryRuns.Count} run(s), 0x{h.NumberOfPages:X} pages.");
        console.Write(runs);

        var stored = OutcomeView.Table("First page", "Pages", "Physical address");
        var shown = 0;
        var more = 0;
        foreach (var run in dump.EnumerateStoredRuns())
        {
            if (shown++ < MaxRunsShown)
            {
                stored.AddRow(OutcomeView.Cell($"0x{run.BasePage:X}"), OutcomeView.Cell($"0x{run.PageCount:X}"), OutcomeView.Cell($"0x{run.BasePage << 12:X}"));
            }
            else
            {
                more++;
            }
        }

        console.WriteLine($"Stored pages: 0x{dump.StoredPageCount:X}, body ends at 0x{dump.BodyEnd:X}.");
        console.Write(stored);
        if (more > 0)
        {
            console.WriteLine($"... and {more} more run(s) of stored pages.");
        }
    }
}
