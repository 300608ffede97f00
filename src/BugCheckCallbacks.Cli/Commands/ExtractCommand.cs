using System.CommandLine;
using System.Globalization;
using System.Text;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck extract FILE --tag GUID</c>: a tag's data to a file, or to stdout (a hex dump on a terminal).</summary>
internal static class ExtractCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("FILE") { Description = "An x64 kernel dump (types 1, 5, 6), or any file that is a bare DumpBlob region." };
        var tag = new Option<string>("--tag") { Description = "The GUID tag of the block (the first block with it is extracted).", Required = true };
        var output = new Option<string?>("--out") { Description = "Write the data to this file instead of stdout." };
        var command = new Command("extract", "Write the data of a secondary-data tag to a file or to stdout.");
        command.Arguments.Add(file);
        command.Options.Add(tag);
        command.Options.Add(output);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            if (!Guid.TryParse(parse.GetValue(tag), out var guid))
            {
                throw new UsageException($"--tag \"{parse.GetValue(tag)}\" is not a GUID.");
            }

            using var source = DumpSource.Open(parse.GetValue(file)!, context.Error);
            Stream data;
            try
            {
                data = source.Blobs?.OpenTag(guid) ?? throw new KeyNotFoundException($"No secondary-data block is tagged {{{guid}}}: the dump has no secondary-data region.");
            }
            catch (KeyNotFoundException exception)
            {
                throw new UsageException(exception.Message, exception);
            }

            using (data)
            {
                if (parse.GetValue(output) is { } path)
                {
                    using var target = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
                    var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
                    SimulateCommand.WithProgress(console, "Extracting", report => Copy(data, target, report));
                    context.Error.WriteLine($"{data.Length.ToString(CultureInfo.InvariantCulture)} bytes of {{{guid}}} written to {path}.");
                }
                else if (context.IsInteractive)
                {
                    WriteHexDump(data, context.Out);
                }
                else
                {
                    using var stdout = context.OpenStandardOutput();
                    data.CopyTo(stdout);
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private static long Copy(Stream source, Stream target, Action<long> report)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            target.Write(buffer, 0, read);
            total += read;
            report(total);
        }

        return total;
    }

    /// <summary>Writes offset, 16 bytes in hex and their ASCII, a line each, like the debugger's <c>db</c>.</summary>
    internal static void WriteHexDump(Stream data, TextWriter output)
    {
        var line = new byte[16];
        var text = new StringBuilder();
        for (long offset = 0; ; offset += 16)
        {
            var read = data.ReadAtLeast(line, line.Length, throwOnEndOfStream: false);
            if (read == 0)
            {
                return;
            }

            text.Clear().Append(CultureInfo.InvariantCulture, $"{offset:x8}  ");
            for (var i = 0; i < 16; i++)
            {
                text.Append(i < read ? line[i].ToString("x2", CultureInfo.InvariantCulture) : "  ").Append(i == 7 && i + 1 < read ? '-' : ' ');
            }

            text.Append(' ');
            for (var i = 0; i < read; i++)
            {
                text.Append(line[i] is >= 0x20 and < 0x7F ? (char)line[i] : '.');
            }

            output.WriteLine(text.ToString());
        }
    }
}
