using System.Globalization;
using System.Text.RegularExpressions;
using BugCheckCallbacks.Native;

namespace BugCheckCallbacks.Tests.Native.MacOS;

/// <summary>
/// The Mach-O range reader (a driver's image on macOS) against real Mach-O files: dylibs linked by LLVM's ld64.lld for
/// x86_64 and arm64 on Linux, read as files, and checked against llvm-objdump. What stays unverified without a Mac:
/// dladdr, the loader's slide and the signal handler's macOS register names.
/// </summary>
public sealed partial class MachOImageTests
{
    private static readonly nint s_loadAddress = unchecked((nint)0x1_0420_0000L); // a 64-bit host: the tests build 64-bit images

    [MachOTheory]
    [InlineData("x86_64")]
    [InlineData("arm64")]
    public void The_ranges_are_every_segment_but_PAGEZERO_moved_to_where_TEXT_is_loaded(string architecture)
    {
        var image = Build(architecture);
        var segments = Segments(Tool("llvm-objdump", "--macho", "--private-headers", image));
        var text = segments.Single(s => s.Name == "__TEXT");

        var ranges = ImageRanges.FromMachOHeader(File.ReadAllBytes(image), s_loadAddress);

        ranges.Should().Equal(segments.Where(s => s.Name != "__PAGEZERO" && s.Size > 0)
            .Select(s => (s_loadAddress + (nint)(s.Address - text.Address), s_loadAddress + (nint)(s.Address - text.Address + s.Size))));
        segments.Single(s => s.Name == "__DATA").Size.Should().BeGreaterThan(100_000, "the zero-filled bytes are part of the image in memory");
    }

    [MachOFact]
    public void A_load_command_that_runs_past_the_header_is_refused_with_where_it_is()
    {
        var bytes = File.ReadAllBytes(Build("x86_64"));
        bytes[32 + 4] = 0xFF; // the first command's cmdsize
        bytes[32 + 5] = 0xFF;

        var read = () => ImageRanges.FromMachOHeader(bytes.AsSpan(0, 0x1000), 0);

        read.Should().Throw<InvalidDataException>().WithMessage("Load command 0 at 0x20 has cmdsize 0xFFFF, which does not fit in the 0x1000 bytes*");
    }

    [Fact]
    public void Bytes_that_are_not_a_64_bit_Mach_O_header_are_refused()
    {
        var read = () => ImageRanges.FromMachOHeader(new byte[64], 0);

        read.Should().Throw<InvalidDataException>().WithMessage("*0xFEEDFACF*");
    }

    /// <summary>The LC_SEGMENT_64 commands llvm-objdump lists: name, vmaddr, vmsize.</summary>
    private static List<(string Name, ulong Address, ulong Size)> Segments(string headers) =>
        [.. SegmentCommand().Matches(headers).Select(m => (m.Groups["name"].Value, Hex(m.Groups["address"].Value), Hex(m.Groups["size"].Value)))];

    private static ulong Hex(string text) => ulong.Parse(text.AsSpan(2), NumberStyles.HexNumber, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"cmd LC_SEGMENT_64\s+cmdsize \d+\s+segname (?<name>\S+)\s+vmaddr (?<address>0x[0-9a-f]+)\s+vmsize (?<size>0x[0-9a-f]+)")]
    private static partial Regex SegmentCommand();

    private static string Build(string architecture)
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("bcc-macho-").FullName, $"libimage-{architecture}.dylib");
        Tool(
            MachOToolchain.Clang!,
            $"--target={architecture}-apple-macos11", "-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-ffreestanding", "-nostdlib",
            "-fuse-ld=lld", "-dynamiclib", "-Wl,-undefined,dynamic_lookup", "-Wl,-platform_version,macos,11.0,11.0",
            Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Native", "MacOS", "image.c"), "-o", output);
        return output;
    }

    private static string Tool(string program, params string[] arguments)
    {
        var (code, output, errors) = NativeCompiler.Execute(program, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} failed ({code}): {output}{errors}");
    }
}
