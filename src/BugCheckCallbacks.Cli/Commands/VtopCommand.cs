using System.CommandLine;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>
/// <c>bugcheck vtop FILE ADDRESS</c>: a virtual address through the dump's page tables, each level as the debugger's
/// <c>!vtop</c> walks it (table by table, physical addresses; not <c>!pte</c>'s self-map view), then the physical address and where the page is in the file; exit 1 when it does not translate.
/// </summary>
internal static class VtopCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "An x64 kernel dump (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump)." };
        var address = new Argument<string>("address") { Description = $"The virtual address, a number as WinDbg reads it: {NumberText.Forms}." };
        var json = BugCheckCli.JsonOption();
        var command = new Command("vtop", "Translate a virtual address through the dump's page tables, showing each level (PXE, PPE, PDE, PTE: table, index, entry, flags) as !vtop walks it, then the physical address and its file offset; exit 1 when it does not translate.");
        command.Arguments.Add(file);
        command.Arguments.Add(address);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck vtop crash.dmp 'ffff8000`00400000'", "bugcheck vtop crash.dmp 0xFFFF800000400000 --json"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var virtualAddress = NumberText.Parse("<address>", parse.GetValue(address)!);
            var path = BugCheckCli.ExistingFile(parse.GetValue(file)!);
            using var dump = DumpFile.Open(path);
            var translation = dump.Translate(virtualAddress);
            var offset = translation.PhysicalAddress is { } physical && dump.GetPhysicalFileOffset(physical) is var stored and >= 0 ? stored : (long?)null;
            if (parse.GetValue(json))
            {
                BugCheckCli.WriteJson(
                    context,
                    new JsonVtopDocument(
                        CliJson.SchemaVersion, "vtop", path, CliJson.Hex(virtualAddress), translation.PhysicalAddress is { } p ? CliJson.Hex(p) : null, offset is { } fo ? CliJson.Hex(fo) : null,
                        [.. translation.Steps.Select(s => new JsonPageTableStep(s.Level, s.Name, CliJson.Hex(s.TableAddress), s.Index, CliJson.Hex(s.EntryAddress), s.Entry is { } e ? CliJson.Hex(e) : null, s.IsValid, s.IsLargePage, s.IsWritable))],
                        translation.Failure),
                    CliJsonContext.Default.JsonVtopDocument);
            }
            else if (!context.Quiet)
            {
                context.Out.WriteLine($"Virtual address {Windbg(virtualAddress)}");
                foreach (var step in translation.Steps)
                {
                    var entry = step.Entry is { } value ? $"{Windbg(value)}  {Flags(step)}" : "(the dump does not store this table)";
                    context.Out.WriteLine($"  {step.Name} at {Windbg(step.EntryAddress)} (table {Windbg(step.TableAddress)}, index 0x{step.Index:x3}): {entry}");
                }

                context.Out.WriteLine(translation.PhysicalAddress is { } pa
                    ? $"Physical address {Windbg(pa)} (page 0x{DumpFile.PageOf(pa):x}{(offset is { } at ? $", file offset 0x{at:X}" : ", a page the dump does not store")})"
                    : $"Not translated: {translation.Failure}");
            }

            return translation.PhysicalAddress is null ? ExitCodes.Violations : ExitCodes.Ok;
        }));
        return command;
    }

    private static string Flags(PageTableStep step)
    {
        if (!step.IsValid)
        {
            return "not valid";
        }

        var target = step.Target ?? 0;
        var what = step.IsLargePage ? $"a {(step.Level == 2 ? "2 MiB" : "1 GiB")} page at {Windbg(target)}" : step.Level == 1 ? $"page {Windbg(target)}" : $"next table {Windbg(target)}";
        return $"valid, {(step.IsWritable ? "writable" : "read-only")}, {what}";
    }

    private static string Windbg(ulong value) => $"{value >> 32:x8}`{value & 0xFFFFFFFF:x8}";
}
