using System.CommandLine;
using System.Globalization;
using System.Text;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>
/// <c>bugcheck db|dd|dq FILE ADDRESS</c>: memory from a kernel dump like the debugger's <c>db</c> (bytes and ASCII),
/// <c>dd</c> (32-bit values) and <c>dq</c> (64-bit values, WinDbg's backtick in the middle), little-endian as x64 stores them.
/// </summary>
internal static class DbCommand
{
    private const ulong MaxLength = 1 << 20;

    public static Command Create(CliContext context) => Create(context, "db", 1);

    public static Command Create(CliContext context, string name, int unit)
    {
        var file = new Argument<string>("file") { Description = "An x64 kernel dump (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump)." };
        var address = new Argument<string>("address") { Description = $"The address, a number as WinDbg reads it: {NumberText.Forms}." };
        var length = new Option<string?>("--length") { Description = unit == 1 ? "How many bytes, a number as WinDbg reads it (hex by default)." : $"How many bytes, a number as WinDbg reads it (hex by default), rounded up to whole {unit * 8}-bit values.", HelpName = "n", DefaultValueFactory = _ => "80" };
        var json = BugCheckCli.JsonOption();
        var physical = new Option<bool>("--physical") { Description = "ADDRESS is physical (like !db); default: virtual, through the dump's page tables." };
        var command = new Command(name, unit switch
        {
            1 => "Print memory from a dump as hex bytes and ASCII, by virtual or physical address; ?? marks bytes the dump does not hold.",
            4 => "Print memory from a dump as 32-bit values (like the debugger's dd), by virtual or physical address; ???????? marks values the dump does not hold.",
            _ => "Print memory from a dump as 64-bit values (like the debugger's dq), by virtual or physical address; ? marks values the dump does not hold.",
        });
        command.Arguments.Add(file);
        command.Arguments.Add(address);
        command.Options.Add(length);
        command.Options.Add(physical);
        command.Options.Add(json);
        BugCheckCli.Examples[command] = [$"bugcheck {name} crash.dmp 'ffff8000`00400000'", $"bugcheck {name} crash.dmp 100000 --physical --length 0n64"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var start = NumberText.Parse("<address>", parse.GetValue(address)!);
            var count = NumberText.Parse("--length", parse.GetValue(length)!, MaxLength, min: 1);
            count = (count + (ulong)unit - 1) / (ulong)unit * (ulong)unit; // whole values
            if (count - 1 > ulong.MaxValue - start)
            {
                throw new UsageException($"<address> 0x{start:X} plus --length 0x{count:X} runs past the end of the address space (0xFFFFFFFFFFFFFFFF).");
            }

            var path = BugCheckCli.ExistingFile(parse.GetValue(file)!);
            using var dump = DumpFile.Open(path);
            var isPhysical = parse.GetValue(physical);
            if (!isPhysical && dump.VirtualMemoryUnavailableReason is { } reason)
            {
                context.Error.WriteLine($"{path}: {reason}");
                return ExitCodes.Usage;
            }

            var bytes = new byte[count];
            var readable = new bool[count];
            for (var done = 0UL; done < count;)
            {
                // Read page by page: a page the dump lacks shows as ?? and the next one is tried.
                var at = start + done;
                var piece = (int)Math.Min(count - done, (ulong)(DumpFile.PageSize - DumpFile.OffsetInPage(at)));
                var span = bytes.AsSpan((int)done, piece);
                var read = isPhysical ? dump.ReadPhysical(at, span) : dump.ReadVirtual(at, span);
                readable.AsSpan((int)done, read).Fill(true);
                done += (ulong)piece;
            }

            var isMissing = !readable.Contains(true);
            if (parse.GetValue(json))
            {
                var data = string.Concat(bytes.Select((b, i) => readable[i] ? b.ToString("x2", CultureInfo.InvariantCulture) : "??"));
                BugCheckCli.WriteJson(context, new JsonDbDocument(CliJson.SchemaVersion, name, path, isPhysical ? "physical" : "virtual", CliJson.Hex(start), bytes.Length, data, readable.Count(r => r)), CliJsonContext.Default.JsonDbDocument);
            }
            else
            {
                // WinDbg's 16 bytes a row is 84 columns: a terminal narrower than that gets 8 a row instead of wrapped lines.
                var perRow = unit == 1 && context.IsInteractive && context.CreateConsole(true).Profile.Width < RowWidth ? 8 : 16;
                if (unit == 1)
                {
                    Write(context.Out, start, bytes, readable, perRow, isPhysical); // the data asked for: --quiet keeps it
                }
                else
                {
                    WriteValues(context.Out, start, bytes, readable, unit, isPhysical);
                }
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

    /// <summary>A line's address as the debugger prints it: <c>fffff800`00000000</c> for virtual, <c>#    1000</c> for physical (<c>!db</c>).</summary>
    private static string Address(ulong address, bool physical) =>
        physical ? string.Create(CultureInfo.InvariantCulture, $"#{address,8:x}") : string.Create(CultureInfo.InvariantCulture, $"{address >> 32:x8}`{address & 0xFFFFFFFF:x8}");

    /// <summary>Lines of 16 bytes (or 8): the address in WinDbg's form, the bytes with a dash after the eighth, then ASCII.</summary>
    internal static void Write(TextWriter output, ulong start, byte[] bytes, bool[] readable, int perRow = 16, bool physical = false)
    {
        var line = new StringBuilder();
        for (var offset = 0; offset < bytes.Length; offset += perRow)
        {
            var address = start + (ulong)offset;
            line.Clear().Append(Address(address, physical)).Append("  ");
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

    /// <summary>Lines of 16 bytes as 4 dwords or 2 qwords (a qword as WinDbg prints it, <c>00000000`00000000</c>); a value the dump lacks any byte of is question marks.</summary>
    internal static void WriteValues(TextWriter output, ulong start, byte[] bytes, bool[] readable, int unit, bool physical = false)
    {
        var line = new StringBuilder();
        for (var offset = 0; offset < bytes.Length; offset += 16)
        {
            var address = start + (ulong)offset;
            line.Clear().Append(Address(address, physical)).Append(' ');
            for (var at = offset; at < Math.Min(offset + 16, bytes.Length); at += unit)
            {
                line.Append(' ');
                if (!readable.AsSpan(at, unit).ContainsAnyExcept(true))
                {
                    var value = unit == 4 ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at)) : System.Buffers.Binary.BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
                    line.Append(unit == 4 ? value.ToString("x8", CultureInfo.InvariantCulture) : $"{value >> 32:x8}`{value & 0xFFFFFFFF:x8}");
                }
                else
                {
                    line.Append(unit == 4 ? "????????" : "????????`????????");
                }
            }

            output.WriteLine(line.ToString());
        }
    }
}
