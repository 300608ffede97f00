using System.Diagnostics;
using System.Globalization;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// kdmp-parser (0vercl0k), an independent reader users already have, reads the same bytes as the library: every stored
/// page of RDMP dumps built by hand (DumpType 8, 9, 10; the writer writes none) and of dumps the writer makes.
/// </summary>
public sealed class KdmpParserOracleTests
{
    public static TheoryData<string> Dumps() => ["rdmp 8", "rdmp 9", "rdmp 10", "Full", "BitmapFull", "Automatic"];

    [KdmpParserTheory]
    [MemberData(nameof(Dumps))]
    public void Kdmp_parser_reads_every_stored_page_as_the_library_does(string which)
    {
        var bytes = which.StartsWith("rdmp", StringComparison.Ordinal)
            ? RdmpDumpTests.Build(uint.Parse(which[5..], CultureInfo.InvariantCulture))
            : DumpFileTests.Write(Enum.Parse<DumpType>(which), DumpFileTests.TinyMachine).File;
        var path = Cli.CliRunner.TempPath(".dmp");
        File.WriteAllBytes(path, bytes);
        try
        {
            using var dump = DumpFile.Open(path);
            var pages = dump.EnumerateStoredRuns().SelectMany(r => Enumerable.Range(0, (int)r.PageCount).Select(i => r.BasePage + (ulong)i)).ToArray();
            pages.Should().NotBeEmpty();
            var theirs = FirstBytesOfEveryPage(path);
            theirs.Keys.Should().BeEquivalentTo(pages, "kdmp-parser finds the pages the library finds");
            var mine = new byte[16];
            foreach (var frame in pages)
            {
                dump.ReadPhysical(frame << 12, mine).Should().Be(16);
                theirs[frame].Should().Equal(mine, $"page 0x{frame:X}");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Runs <c>parser -p dump</c>: the first 16 bytes of every page, as "address: 16 hex bytes |ascii|" lines.</summary>
    private static Dictionary<ulong, byte[]> FirstBytesOfEveryPage(string path)
    {
        using var process = Process.Start(new ProcessStartInfo(KdmpParserTheoryAttribute.Parser!, ["-p", path]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, output + process.StandardError.ReadToEnd());
        var pages = new Dictionary<ulong, byte[]>();
        foreach (var line in output.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon != 16 && colon != 8 || !ulong.TryParse(line.AsSpan(0, colon), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var address) || address % 0x1000 != 0)
            {
                continue;
            }

            var hex = line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(16).ToArray();
            if (hex.Length == 16 && hex.All(h => h.Length == 2))
            {
                pages[address >> 12] = [.. hex.Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
            }
        }

        return pages;
    }
}
