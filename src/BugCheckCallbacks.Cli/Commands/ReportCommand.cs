using System.CommandLine;
using System.Globalization;
using System.Text;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Cli.Report;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck report FILE [-o report.html]</c>: a self-contained HTML page of a crash: timeline, file map, summary.</summary>
internal static class ReportCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "An x64 kernel dump (types 1, 4, 5, 6, and 8, 9, 10 from the debugger's .dump); the outcome report beside it, when there is one, adds the calls and the verdicts." };
        var output = new Option<string?>("--out", "-o") { Description = "The HTML file to write; default: the dump's name with .html (crash.dmp → crash.html).", HelpName = "file" };
        var command = new Command("report", "Write one self-contained HTML page of a crash (no network, no external files): a timeline of every call, a map of the dump file, the stop code, the verdicts, the tags with a data preview, the callback lists and the modules.");
        command.Arguments.Add(file);
        command.Options.Add(output);
        BugCheckCli.Examples[command] = ["bugcheck report crash.dmp", "bugcheck report crash.dmp -o crash-report.html", "bugcheck simulate --html crash.html"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var path = BugCheckCli.ExistingFile(parse.GetValue(file)!);
            var outPath = BugCheckCli.WritableFile("--out", parse.GetValue(output) ?? Path.ChangeExtension(path, ".html"));
            var bytes = Write(context, "--out", outPath, path, null);
            if (!context.Quiet)
            {
                context.Out.WriteLine($"Report written to {outPath} ({bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes).");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>
    /// Writes the page for <paramref name="dumpPath"/> to <paramref name="outPath"/> (a temporary file renamed into place), with
    /// <paramref name="outcome"/> or else the outcome report beside the dump; returns the bytes written.
    /// </summary>
    internal static long Write(CliContext context, string option, string outPath, string dumpPath, BugCheckOutcome? outcome)
    {
        OutputFile.RefuseSameFile(option, outPath, "the dump", dumpPath);
        OutputFile.RefuseSameFile(option, outPath, "the dump's outcome report", OutcomeReport.PathFor(dumpPath));
        using var source = DumpSource.OpenDump(dumpPath, context.Error, outcome);

        using var html = OutputFile.Create(option, outPath);
        long bytes;
        using (var writer = new StreamWriter(html.Stream, new UTF8Encoding(false), 1 << 16, leaveOpen: true) { NewLine = "\n" })
        {
            HtmlReport.Write(writer, dumpPath, source, source.Report);
            writer.Flush();
            bytes = html.Stream.Length;
        }

        html.Commit();
        return bytes;
    }
}
