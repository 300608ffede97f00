namespace BugCheckCallbacks.Tests.Native;

/// <summary>The sample drivers of samples/native, compiled once for the test run, and small drivers compiled from text.</summary>
internal static class SampleDrivers
{
    private static readonly Lazy<string> s_folder = new(() => Directory.CreateTempSubdirectory("bcc-native-").FullName);
    private static readonly Lazy<string> s_storage = new(() => Compile("storage_driver"));
    private static readonly Lazy<string> s_faulty = new(() => Compile("faulty_driver"));
    private static int s_next;

    public static string Folder => s_folder.Value;

    /// <summary>samples/native/storage_driver.c: a log, a ring in parts, a state page and a triage block, all within the contract.</summary>
    public static string Storage => s_storage.Value;

    /// <summary>samples/native/faulty_driver.c: one callback per rule it breaks, its component naming the rule.</summary>
    public static string Faulty => s_faulty.Value;

    /// <summary>Compiles a driver from C text (the header is included for it).</summary>
    public static string FromSource(string source)
    {
        var name = $"inline{Interlocked.Increment(ref s_next)}";
        var file = Path.Combine(Folder, name + ".c");
        File.WriteAllText(file, "#include <bugcheck_callbacks.h>\n" + source);
        return NativeCompiler.Library(file, Folder, name);
    }

    private static string Compile(string name) =>
        NativeCompiler.Library(Path.Combine(RepositoryRoot.Path, "samples", "native", name + ".c"), Folder, name);
}
