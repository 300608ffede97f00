using System.CommandLine;
using System.Globalization;
using System.Text;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck db FILE ADDRESS</c>: memory from a kernel dump as hex and ASCII, like the debugger's <c>db</c>.</summary>
internal static class DbCommand
{
    private const ulong MaxLength = 1 << 20;

    public static Command Create(CliContext context)
    {
        var file = new Argument<string>("file") { Description = "An x64 kernel dump (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump)." };
        var address = new Argument<string>("address") { Description = $"The address, a number as WinDbg reads it: {NumberText.Forms}." };
        var length = new Option<string?>("--length") { Description = "How many bytes, a number as WinDbg reads it (hex by default).", HelpName = "n", DefaultValueFactory = _ => "80" };
        var json = BugCheckCli.JsonOption();
        var physical = new Option<bool>("--physical") { Description = "ADDRESS is physical (like !db); default: virtual, through the dump's page tables." };
        var command = new Command("db", "Print memory from a dump as hex bytes and ASCII, by virtual or physical address; ?? marks bytes the dump does not hold.");
        command.Arguments.Add(file);
        command.Arguments.Add(address);
        command.Options.Add(length);
        command.Options.Add(physical);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck db crash.dmp 'ffff8000`00400000'", "bugcheck db crash.dmp 100000 --physical --length 0n64"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var start = NumberText.Parse("<address>", parse.GetValue(address)!);
            var count = NumberText.Parse("--length", parse.GetValue(length)!, MaxLength, min: 1);
            if (count - 1 > ulong.MaxValue - start)
            {
                throw new UsageException($"<address> 0x{start:X} plus --length 0x{count:X} runs past the end of the address space (0xFFFFFFFFFFFFFFFF).");
            }

            var path = BugCheckCli.ExistingFile(parse.GetValue(file)!);
            using var dump = DumpFile.Open(path);
            var bytes = new byte[count];
            var readable = new bool[count];
            var isPhysical = parse.GetValue(physical);
            for (var done = 0UL; done < count;)
            {
                // Read page by page: a page the dump lacks shows as ?? and the next one is tried.
                var at = start + done;
                var piece = (int)Math.Min(count - done, 0x1000 - (at & 0xFFF));
                var span = bytes.AsSpan((int)done, piece);
                var read = isPhysical ? dump.ReadPhysical(at, span) : dump.ReadVirtual(at, span);
                readable.AsSpan((int)done, read).Fill(true);
                done += (ulong)piece;
            }

            var isMissing = !readable.Contains(true);
            if (parse.GetValue(json))
            {
                var data = string.Concat(bytes.Select((b, i) => readable[i] ? b.ToString("x2", CultureInfo.InvariantCulture) : "??"));
                BugCheckCli.WriteJson(context, new JsonDbDocument(CliJson.SchemaVersion, "db", path, isPhysical ? "physical" : "virtual", CliJson.Hex(start), bytes.Length, data, readable.Count(r => r)), CliJsonContext.Default.JsonDbDocument);
            }
            else
            {
                // WinDbg's 16 bytes a row is 84 columns: a terminal narrower than that gets 8 a row instead of wrapped lines.
                var perRow = context.IsInteractive && context.CreateConsole(true).Profile.Width < RowWidth ? 8 : 16;
                Write(context.Out, start, bytes, readable, perRow); // the data asked for: --quiet keeps it
            }

            if (isMissing)
            {
                context.Error.WriteLine($"{(isPhysical ? "Physical" : "Virtual")} 0x{start:X}..0x{start + count - 1:X} is not in the dump{(isPhysical ? string.Empty : " (not mapped, or its pages are not stored)")}.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The width of a 16-byte row: address, two spaces, 16 bytes with a dash after the eighth, a space, 16 characters.</summary>
    private const int RowWidth = 17 + 2 + 48 + 1 + 16;

    /// <summary>Lines of 16 bytes (or 8): the address in WinDbg's form, the bytes with a dash after the eighth, then ASCII.</summary>
    internal static void Write(TextWriter output, ulong start, byte[] bytes, bool[] readable, int perRow = 16)
    {
        var line = new StringBuilder();
        for (var offset = 0; offset < bytes.Length; offset += perRow)
        {
            var address = start + (ulong)offset;
            line.Clear().Append(CultureInfo.InvariantCulture, $"{address >> 32:x8}`{address & 0xFFFFFFFF:x8}  ");
            var count = Math.Min(perRow, bytes.Length - offset);
            for (var i = 0; i < perRow; i++)
            {
                var text = i >= count ? "  " : readable[offset + i] ? bytes[offset + i].ToString("x2", CultureInfo.InvariantCulture) : "??";
                line.Append(text).Append(i == 7 && i + 1 < count ? '-' : ' ');
            }

            line.Append(' ');
            for (var i = 0; i < count; i++)
            {
                var b = bytes[offset + i];
                line.Append(!readable[offset + i] ? '?' : b is >= 0x20 and < 0x7F ? (char)b : '.');
            }

            output.WriteLine(line.ToString());
        }
    }
}
