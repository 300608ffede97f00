using System.CommandLine;
using System.Globalization;
using System.Text;
using BugCheckCallbacks.Cli.Reading;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck extract FILE --tag GUID</c>: a tag's data to a file, or to stdout (a hex dump on a terminal).</summary>
internal static class ExtractCommand
{
    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "An x64 kernel dump (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump), or any file that is a bare DumpBlob region." };
        var tag = new Option<string>("--tag") { Description = "The GUID tag of the block.", Required = true, HelpName = "guid" };
        var part = new Option<string>("--part") { Description = "Which block with the tag, counted from 1 in decimal (1 is ReadTagged's); the parts of multi-part data share a tag.", HelpName = "n", DefaultValueFactory = _ => "1" };
        var output = new Option<string?>("--out") { Description = "Write the data to this file instead of stdout.", HelpName = "file" };
        var command = new Command("extract", "Write the data of a secondary-data block to a file or to stdout (raw bytes when redirected, a hex dump on a terminal).");
        command.Arguments.Add(file);
        command.Options.Add(tag);
        command.Options.Add(part);
        command.Options.Add(output);
        BugCheckCli.Examples[command] = ["bugcheck extract crash.dmp --tag 5707e5a1-0000-4000-8000-000000000001 --out storport.bin", "bugcheck extract crash.dmp --tag 1e7a1e7a-0000-4000-8000-00000000000a --part 3 > part3.bin"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            if (!Guid.TryParse(parse.GetValue(tag), out var guid))
            {
                throw new UsageException($"--tag \"{parse.GetValue(tag)}\" is not a GUID; a GUID looks like 5707e5a1-0000-4000-8000-000000000001.");
            }

            var index = PartNumber(parse.GetValue(part)!);
            var outPath = parse.GetValue(output) is { } requested ? BugCheckCli.WritableFile("--out", requested) : null;
            var inputPath = BugCheckCli.ExistingFile(parse.GetValue(file)!);
            if (outPath is not null)
            {
                OutputFile.RefuseSameFile("--out", outPath, "the dump", inputPath);
                OutputFile.RefuseSameFile("--out", outPath, "its outcome report", OutcomeReport.PathFor(inputPath));
            }

            using var source = DumpSource.Open(inputPath, context.Error);
            var blocks = source.Blobs is null ? [] : source.Blobs.EnumerateTags().Where(t => t.Tag == guid).Take(index).ToList();
            if (blocks.Count < index)
            {
                throw new UsageException(blocks.Count == 0
                    ? $"--tag {{{guid}}}: no secondary-data block has this tag{(source.Blobs is null ? " (the dump has no secondary-data region)" : string.Empty)}; 'bugcheck enumtag' lists the tags."
                    : $"--part {index}: only {blocks.Count} block(s) are tagged {{{guid}}}.");
            }

            var data = source.Blobs!.OpenBlock(blocks[^1]);

            using (data)
            {
                if (outPath is not null)
                {
                    using var target = OutputFile.Create("--out", outPath);
                    var console = context.CreateConsole(parse.GetValue(BugCheckCli.NoColor));
                    SimulateCommand.WithProgress(console, "Extracting", data.Length, report => Copy(data, target.Stream, report));
                    target.Commit();
                    if (!context.Quiet)
                    {
                        context.Error.WriteLine($"{data.Length.ToString(CultureInfo.InvariantCulture)} bytes of {{{guid}}} (block {index}) written to {outPath}.");
                    }
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

    private static long Copy(Stream source, Stream target, Action<long, long?> report)
    {
        var buffer = new byte[1 << 20];
        long total = 0;
        int read;
        while ((read = source.Read(buffer)) > 0)
        {
            target.Write(buffer, 0, read);
            total += read;
            report(total, source.Length);
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

    /// <summary>A count, so decimal (--part 10 is the tenth block), unlike addresses; 0x and the other WinDbg prefixes still work.</summary>
    private static int PartNumber(string text)
    {
        var trimmed = text.Trim();
        var value = int.TryParse(trimmed, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number) ? (ulong)number
            : trimmed.Length > 2 && trimmed[0] == '0' && char.IsAsciiLetter(trimmed[1]) ? Scenarios.NumberText.Parse("--part", trimmed, max: int.MaxValue, min: 1)
            : throw new UsageException($"--part \"{text}\" is not a part number: parts count from 1, in decimal (1, 2, 3).");
        return value is >= 1 and <= int.MaxValue ? (int)value : throw new UsageException($"--part \"{text}\" is out of range: parts count from 1 to {int.MaxValue}.");
    }
}
