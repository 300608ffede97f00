using System.CommandLine;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck modules FILE</c>: the loaded-module list of a kernel dump, like the debugger's <c>lm</c>.</summary>
internal static class ModulesCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "An x64 kernel dump (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump)." };
        var json = BugCheckCli.JsonOption();
        var command = new Command("modules", "List the loaded modules a kernel dump holds (PsLoadedModuleList, found from the header or the KDBG block), like the debugger's lm: start, end, name.");
        command.Arguments.Add(file);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck modules crash.dmp", "bugcheck modules crash.dmp --json | jq -r '.modules[].name'"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var path = BugCheckCli.ExistingFile(parse.GetValue(file)!);
            using var dump = DumpFile.Open(path);
            var modules = new KernelWalker(dump).ReadModules();
            if (parse.GetValue(json))
            {
                BugCheckCli.WriteJson(
                    context,
                    new JsonModulesDocument(CliJson.SchemaVersion, "modules", path, modules.Head == 0 ? null : CliJson.Hex(modules.Head), modules.Tried, [.. modules.Modules.Select(ForensicsJson.Module)], [.. modules.Findings.Select(ForensicsJson.Finding)]),
                    ForensicsJsonContext.Default.JsonModulesDocument);
            }
            else if (!context.Quiet)
            {
                var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
                // Like lm f: the full name too, where the dump has one that says more (a small dump's driver list has paths).
                // lm's columns: the module name as the debugger names it (nt, hal, mydriver), then the image's file name.
                var withPaths = modules.Modules.Any(m => m.FullName.Length > 0 && m.FullName != m.Name);
                var table = withPaths ? new CliTable("Loaded modules", "start", "end", "module name", "image name", "full name") : new CliTable("Loaded modules", "start", "end", "module name", "image name");
                foreach (var module in modules.Modules)
                {
                    if (withPaths)
                    {
                        table.Add(Windbg(module.Base), Windbg(module.End), DebuggerName(module.Name), module.Name, module.FullName);
                    }
                    else
                    {
                        table.Add(Windbg(module.Base), Windbg(module.End), DebuggerName(module.Name), module.Name);
                    }
                }

                if (modules.Head == 0)
                {
                    console.WriteLine($"No loaded-module list in this dump: {modules.Tried}");
                }
                else
                {
                    table.Render(console);
                    console.WriteLine($"{modules.Tried} Head 0x{modules.Head:X16}.");
                }

                foreach (var finding in modules.Findings)
                {
                    console.WriteLine($"! {finding.Kind}: {finding.Detail}");
                }
            }

            return modules.Findings.Count > 0 ? ExitCodes.Violations : ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>A module's name as the debugger gives it: <c>nt</c> for the kernel image, else the file name without its extension (<c>hal</c>, <c>mydriver</c>).</summary>
    internal static string DebuggerName(string imageName)
    {
        var name = Path.GetFileNameWithoutExtension(imageName);
        return name.Equals("ntoskrnl", StringComparison.OrdinalIgnoreCase) || name.Equals("ntkrnlmp", StringComparison.OrdinalIgnoreCase) || name.Equals("ntkrnlpa", StringComparison.OrdinalIgnoreCase) || name.Equals("ntkrpamp", StringComparison.OrdinalIgnoreCase)
            ? "nt"
            : name;
    }

    /// <summary>An address as the debugger prints it: 16 hex digits with a backtick in the middle.</summary>
    internal static string Windbg(ulong address) => $"{address >> 32:x8}`{address & 0xFFFFFFFF:x8}";
}
