using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Dump;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck show FILE...</c>: the dump header, physical memory, stored pages, tags, and the outcome report beside it.</summary>
internal static class ShowCommand
{
    private const int MaxRunsShown = 16;

    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("file") { Description = "x64 kernel dumps (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump); several files or a pattern (*.dmp).", Arity = ArgumentArity.OneOrMore };
        var json = BugCheckCli.JsonOption();
        var command = new Command("show", "Show each kernel dump: header, physical memory runs, stored pages, secondary-data tags, and the outcome report written beside a simulated dump.");
        command.Arguments.Add(files);
        ParseErrorMessage.RefuseOptionsAsFiles(command, files);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck show crash.dmp", "bugcheck show crash.dmp --json | jq .files[0].header"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var paths = DumpFiles.Expand(parse.GetValue(files)!);
            if (parse.GetValue(json))
            {
                return DumpFiles.RunJson(
                    context,
                    paths,
                    (path, file) =>
                    {
                        using var source = Open(path, file);
                        return Describe(path, source);
                    },
                    (path, error) => new JsonShowFile(path, null, null, null, null, null, null, null, null, error),
                    entries => BugCheckCli.WriteJson(context, new JsonShowDocument(CliJson.SchemaVersion, "show", [.. entries]), CliJsonContext.Default.JsonShowDocument));
            }

            return DumpFiles.RunText(context, paths, parse.GetValue(BugCheckCli.NoColor), Open, Render);
        }));
        return command;
    }

    private static DumpSource Open(string path, CliContext file) => DumpSource.OpenDump(path, file.Error);

    private static void Render(IAnsiConsole console, string path, DumpSource source)
    {
        var dump = source.Dump!;
        var h = dump.Header;
        var c = CultureInfo.InvariantCulture;
        CrashAnalysis.Of(dump).Render(console);
        var header = new CliTable("DUMP_HEADER64", "Field", "Value")
            .Add("DumpType", string.Create(c, $"{h.DumpType} ({dump.Layout}: {DumpFile.DescribeDumpType(h.DumpType)})"))
            .Add("Version", string.Create(c, $"{h.MajorVersion:X}.{h.MinorVersion} (build {h.MinorVersion})"))
            .Add("BugCheckCode", $"0x{h.BugCheckCode:X8}")
            .Add("Parameters", $"0x{h.BugCheckParameter1:X}, 0x{h.BugCheckParameter2:X}, 0x{h.BugCheckParameter3:X}, 0x{h.BugCheckParameter4:X}")
            .Add("DirectoryTableBase", $"0x{h.DirectoryTableBase:X}")
            .Add("MachineImageType", $"0x{h.MachineImageType:X}")
            .Add("NumberProcessors", h.NumberProcessors.ToString(c))
            .Add("SystemTime", h.SystemTimeUtc?.ToString("u", c) ?? $"0x{h.SystemTime:X} (not a valid FILETIME)")
            .Add("Comment", h.Comment)
            .Add("RequiredDumpSpace", $"0x{h.RequiredDumpSpace:X}")
            .Add("File length", $"0x{dump.Length:X}");
        header.Render(console);
        if (dump.Triage is { } triage)
        {
            RenderTriage(console, triage);
        }

        var runs = new CliTable("Physical memory runs", "BasePage", "PageCount");
        foreach (var run in h.PhysicalMemoryRuns)
        {
            runs.Add($"0x{run.BasePage:X}", $"0x{run.PageCount:X}");
        }

        runs.Render(console);
        var stored = new CliTable("Stored pages", "First page", "Pages", "Physical address");
        var more = 0;
        foreach (var run in dump.EnumerateStoredRuns())
        {
            if (stored.Count < MaxRunsShown)
            {
                stored.Add($"0x{run.BasePage:X}", $"0x{run.PageCount:X}", $"0x{DumpFile.AddressOfPage(run.BasePage):X}");
            }
            else
            {
                more++;
            }
        }

        console.WriteLine($"0x{dump.StoredPageCount:X} pages stored; the body ends at 0x{dump.BodyEnd:X}.");
        stored.Total = stored.Count + more; // the title counts them all, as every other table's does
        stored.Render(console);
        if (more > 0)
        {
            console.WriteLine($"... and {more} more run(s) of stored pages.");
        }

        if (dump.Layout != DumpBodyLayout.Triage)
        {
            // What a user copies addresses from: the virtual side of the memory the dump holds.
            var mappings = new CliTable("Virtual memory map", "Virtual address", "Pages", "Physical address");
            var total = 0;
            foreach (var mapping in dump.EnumerateVirtualMappings())
            {
                if (total++ < MaxRunsShown)
                {
                    mappings.Add($"0x{mapping.VirtualAddress:X16}", $"0x{mapping.PageCount:X}", $"0x{mapping.PhysicalAddress:X}");
                }
            }

            mappings.Total = total;
            mappings.Render(console);
            console.WriteLine(total > MaxRunsShown
                ? $"... and {total - MaxRunsShown} more run(s) the page tables map to stored pages (--json lists them all); 'bugcheck vtop FILE ADDRESS' shows one address's walk."
                : "The runs the page tables map to stored pages; 'bugcheck vtop FILE ADDRESS' shows one address's walk.");
        }

        if (source.Blobs is null)
        {
            console.WriteLine("Secondary data: none (no DumpBlob header follows the body).");
        }
        else
        {
            console.WriteLine($"Secondary data: DumpBlob region at 0x{dump.SecondaryDataOffset:X}, build {source.Blobs.BuildNumber}.");
            TagsTable.Of(source).Render(console);
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
    }

    private static JsonShowFile Describe(string path, DumpSource source)
    {
        var dump = source.Dump!;
        var h = dump.Header;
        var header = new JsonHeader(
            h.DumpType, dump.Layout.ToString(), h.MajorVersion, h.MinorVersion, $"0x{h.BugCheckCode:X}",
            [CliJson.Hex(h.BugCheckParameter1), CliJson.Hex(h.BugCheckParameter2), CliJson.Hex(h.BugCheckParameter3), CliJson.Hex(h.BugCheckParameter4)],
            CliJson.Hex(h.DirectoryTableBase), $"0x{h.MachineImageType:X}", h.NumberProcessors, h.SystemTimeUtc?.ToString("O", CultureInfo.InvariantCulture),
            h.Comment, CliJson.Hex(h.RequiredDumpSpace), CliJson.Hex(h.NumberOfPages));
        JsonRun Run(PhysicalMemoryRun run) => new(CliJson.Hex(run.BasePage), CliJson.Hex(run.PageCount));
        return new JsonShowFile(
            path, header, h.PhysicalMemoryRuns.Select(Run).ToList(), CliJson.Hex(dump.StoredPageCount), Lazy(path, d => d.EnumerateStoredRuns().Select(Run)),
            CliJson.Hex(dump.BodyEnd), dump.HasSecondaryData ? CliJson.Hex(dump.SecondaryDataOffset) : null, source.Tags.Select(CliJson.Tag).ToList(),
            source.Report is { } outcome ? JsonDocument.Parse(outcome.ToJson()).RootElement.Clone() : null, null, CrashAnalysis.Of(dump),
            dump.Triage is { } t ? new JsonTriage(
                t.Fields.ToString(), CliJson.Hex(t.SizeOfDump), CliJson.Hex(t.ValidOffset), CliJson.Hex(t.ContextOffset), CliJson.Hex(t.ExceptionOffset),
                CliJson.Hex(t.DebuggerDataOffset), CliJson.Hex(t.DataPageAddress),
                [.. t.Drivers.Select(d => new JsonTriageDriver(d.Name, CliJson.Hex(d.DllBase), CliJson.Hex(d.SizeOfImage)))],
                [.. t.DataBlocks.Select(b => new JsonTriageBlock(CliJson.Hex(b.Address), CliJson.Hex(b.Size), CliJson.Hex(b.Offset)))]) : null,
            Lazy(path, d => d.EnumerateVirtualMappings().Select(m => new JsonVirtualMapping(CliJson.Hex(m.VirtualAddress), CliJson.Hex(m.PhysicalAddress), CliJson.Hex(m.PageCount)))));
    }

    /// <summary>A list read from the dump again while the JSON is written, so it is never whole in memory (the file opened once already).</summary>
    private static IEnumerable<T> Lazy<T>(string path, Func<DumpFile, IEnumerable<T>> items)
    {
        using var dump = DumpFile.Open(path);
        foreach (var item in items(dump))
        {
            yield return item;
        }
    }

    /// <summary>A small memory dump's PAGEDUMP_TRIAGE: what it holds and where, its data blocks and its drivers.</summary>
    private static void RenderTriage(IAnsiConsole console, TriageDumpInfo t)
    {
        var c = CultureInfo.InvariantCulture;
        new CliTable("PAGEDUMP_TRIAGE (small memory dump)", "Field", "Value")
            .Add("MiniDumpFields", t.Fields.ToString())
            .Add("SizeOfDump", $"0x{t.SizeOfDump:X}")
            .Add("ValidOffset", $"0x{t.ValidOffset:X}")
            .Add("ContextOffset", $"0x{t.ContextOffset:X}")
            .Add("ExceptionOffset", $"0x{t.ExceptionOffset:X}")
            .Add("DebuggerData", $"0x{t.DebuggerDataSize:X} bytes at 0x{t.DebuggerDataOffset:X}")
            .Add("DriverList", string.Create(c, $"{t.DriverCount} at 0x{t.DriverListOffset:X}, string pool 0x{t.StringPoolSize:X} bytes at 0x{t.StringPoolOffset:X}"))
            .Add("DataPage", t.DataPage is { } page ? $"0x{page.Address:X} (0x{page.Size:X} bytes at 0x{page.Offset:X})" : "none")
            .Add("DataBlocks", string.Create(c, $"{t.DataBlocksCount} at 0x{t.DataBlocksOffset:X}"))
            .Render(console);
        var blocks = new CliTable("Data blocks", "Address", "Size", "File offset");
        foreach (var block in t.DataBlocks.Take(MaxRunsShown))
        {
            blocks.Add($"0x{block.Address:X}", $"0x{block.Size:X}", $"0x{block.Offset:X}");
        }

        blocks.Total = t.DataBlocks.Count;
        blocks.Render(console);
        if (t.DataBlocks.Count > MaxRunsShown)
        {
            console.WriteLine(string.Create(c, $"... and {t.DataBlocks.Count - MaxRunsShown} more data block(s)."));
        }

        console.WriteLine(string.Create(c, $"{t.Drivers.Count} driver(s) in the driver list ('bugcheck modules' lists them)."));
    }
}
