using BugCheckCallbacks.Tests.Native.Windows;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary>The inspection tests' drivers (Binary/Fixtures/*.c): real kernel-mode images built by mingw-w64 against its real <c>ddk/wdm.h</c>, once per optimisation level.</summary>
internal static class InspectionFixtures
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, string), Lazy<string>> s_built = new();

    /// <summary>Builds Binary/Fixtures/<paramref name="name"/>.c as a .sys at <paramref name="optimisation"/> (-O0, -O2); returns its path.</summary>
    public static string Driver(string name, string optimisation) =>
        s_built.GetOrAdd((name, optimisation), key => new Lazy<string>(() => MingwToolchain.Compile(
            Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Binary", "Fixtures", key.Item1 + ".c"),
            Path.Combine(Directory.CreateTempSubdirectory("bcc-inspect-").FullName, $"{key.Item1}{key.Item2}.sys"),
            key.Item2, "-fno-stack-protector", "-mno-stack-arg-probe", "-shared", "-nostdlib", "-Wl,--subsystem,native",
            "-Wl,--entry,DriverEntry", "-lntoskrnl"))).Value;

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
