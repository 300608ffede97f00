using System.Buffers.Binary;
using BugCheckCallbacks.Tests.Native.Windows;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary>The inspection tests' drivers (Binary/Fixtures/*.c): real kernel-mode images built by mingw-w64 against its real <c>ddk/wdm.h</c>, once per optimisation level.</summary>
internal static class InspectionFixtures
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string, string?), Lazy<string>> s_built = new();

    /// <summary>
    /// Builds Binary/Fixtures/<paramref name="name"/>.c as a .sys at <paramref name="optimisation"/> (-O0, -O2), with
    /// <paramref name="defect"/> defined when given; returns its path.
    /// </summary>
    public static string Driver(string name, string optimisation, string? defect = null) =>
        s_built.GetOrAdd((name, optimisation, defect), key => new Lazy<string>(() => Build(key.Item1, key.Item2, key.Item3))).Value;

    private static string Build(string name, string optimisation, string? defect)
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("bcc-inspect-").FullName, $"{name}{optimisation}{defect}.sys");
        MingwToolchain.Compile(
            Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Binary", "Fixtures", name + ".c"),
            output,
            [optimisation, .. defect is null ? Array.Empty<string>() : ["-D" + defect], "-fno-stack-protector", "-mno-stack-arg-probe", "-shared", "-nostdlib",
                "-Wl,--subsystem,native", "-Wl,--entry,DriverEntry", "-lntoskrnl"]);
        MarkInitDiscardable(output);
        return output;
    }

    /// <summary>
    /// Sets IMAGE_SCN_MEM_DISCARDABLE on a section named INIT, as Microsoft's linker marks it for a driver: GNU ld and
    /// as have no way to ask for the flag.
    /// </summary>
    private static void MarkInitDiscardable(string path)
    {
        var file = File.ReadAllBytes(path);
        var pe = BinaryPrimitives.ReadInt32LittleEndian(file.AsSpan(0x3C));
        var sections = BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pe + 6));
        var table = pe + 24 + BinaryPrimitives.ReadUInt16LittleEndian(file.AsSpan(pe + 20));
        for (var i = 0; i < sections; i++)
        {
            var header = file.AsSpan(table + (40 * i), 40);
            if (header[..8].SequenceEqual("INIT\0\0\0\0"u8))
            {
                BinaryPrimitives.WriteUInt32LittleEndian(header[36..], BinaryPrimitives.ReadUInt32LittleEndian(header[36..]) | 0x02000000);
                File.WriteAllBytes(path, file);
            }
        }
    }

    /// <summary>The RVA of every symbol mingw-w64's nm lists in <paramref name="image"/> (static ones too: the fixtures are not stripped).</summary>
    public static Dictionary<string, uint> Symbols(string image, ulong imageBase)
    {
        var symbols = new Dictionary<string, uint>();
        foreach (var line in WindowsFixtures.Tool("nm", image).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ');
            if (fields.Length == 3 && ulong.TryParse(fields[0], System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var address) && address >= imageBase)
            {
                symbols.TryAdd(fields[2], (uint)(address - imageBase));
            }
        }

        return symbols;
    }
}
