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
        var file = new Argument<string>("FILE") { Description = "An x64 kernel dump (types 1, 5, 6)." };
        var address = new Argument<string>("ADDRESS") { Description = "The address: hex with 0x, decimal, WinDbg's ffff8000`00200000 form." };
        var length = new Option<string?>("--length") { Description = "How many bytes (default 0x80, at most 0x100000)." };
        var physical = new Option<bool>("--physical") { Description = "ADDRESS is physical (like !db); default: virtual, through the dump's page tables." };
        var command = new Command("db", "Print memory from a dump as hex bytes and ASCII, by virtual or physical address; ?? marks bytes the dump does not hold.");
        command.Arguments.Add(file);
        command.Arguments.Add(address);
        command.Options.Add(length);
        command.Options.Add(physical);
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var start = NumberText.TryParse(parse.GetValue(address), out var a) ? a
                : throw new UsageException($"ADDRESS \"{parse.GetValue(address)}\" is not a number (hex with 0x, decimal, or ffff8000`00200000).");
            var count = parse.GetValue(length) is { } text
                ? NumberText.TryParse(text, out var n) && n is > 0 and <= MaxLength ? n : throw new UsageException($"--length \"{text}\" must be a number from 1 to 0x{MaxLength:X}.")
                : 0x80;
            if (count - 1 > ulong.MaxValue - start)
            {
                throw new UsageException($"ADDRESS 0x{start:X} plus --length 0x{count:X} runs past the end of the address space.");
            }

            using var dump = DumpFile.Open(parse.GetValue(file)!);
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

            Write(context.Out, start, bytes, readable);
            if (!readable.Contains(true))
            {
                context.Error.WriteLine($"{(isPhysical ? "Physical" : "Virtual")} 0x{start:X}..0x{start + count - 1:X} is not in the dump{(isPhysical ? string.Empty : " (not mapped, or its pages are not stored)")}.");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Lines of 16 bytes: the address in WinDbg's form, the bytes with a dash after the eighth, then ASCII.</summary>
    internal static void Write(TextWriter output, ulong start, byte[] bytes, bool[] readable)
    {
        var line = new StringBuilder();
        for (var offset = 0; offset < bytes.Length; offset += 16)
        {
            var address = start + (ulong)offset;
            line.Clear().Append(CultureInfo.InvariantCulture, $"{address >> 32:x8}`{address & 0xFFFFFFFF:x8}  ");
            var count = Math.Min(16, bytes.Length - offset);
            for (var i = 0; i < 16; i++)
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
