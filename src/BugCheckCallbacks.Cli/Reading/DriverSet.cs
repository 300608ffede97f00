using BugCheckCallbacks.Native;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Reading;

/// <summary>The native drivers a run loads (a scenario's <c>driver</c>, <c>--driver</c>), unloaded when the run ends.</summary>
internal sealed class DriverSet(SimulatedKernel kernel) : IDisposable
{
    private readonly List<NativeDriver> _drivers = [];

    /// <summary>Loads the library at <paramref name="path"/>, if any; a library that cannot be loaded is a usage error naming <paramref name="source"/>.</summary>
    public void Load(string source, string? path, TextWriter? warnings = null)
    {
        if (path is null)
        {
            return;
        }

        BugCheckCli.ExistingFile(path, source);
        var driver = Loading(source, () => kernel.LoadDriver(path));
        _drivers.Add(driver);
        if (!driver.ContainsFaults)
        {
            warnings?.WriteLine(OperatingSystem.IsWindows()
                ? $"warning: {source} \"{path}\": a fault in its routines is not contained and would end bugcheck; build it with include/bugcheck_callbacks.h version 2, for x64, against mingw-w64 (x86_64-w64-mingw32-gcc, or clang --target=x86_64-w64-windows-gnu), not MSVC's runtime."
                : $"warning: {source} \"{path}\": a fault in its routines is not contained and would end bugcheck; build it with include/bugcheck_callbacks.h version 2, included before any system header (or with -D_XOPEN_SOURCE=700).");
        }

        if (driver.Records.Count == 0 && driver.ClassicRecords.Count == 0)
        {
            warnings?.WriteLine($"warning: {source} \"{path}\": DriverEntry registered no bug-check callback, so the driver takes no part in the crash.");
        }
    }

    /// <summary>Runs what loads a driver (the kernel's, or the checker's per situation); a library that cannot be loaded is one usage error naming <paramref name="source"/>.</summary>
    public static T Loading<T>(string source, Func<T> load)
    {
        try
        {
            return load();
        }
        catch (Exception exception) when (exception is NativeDriverException or PlatformNotSupportedException)
        {
            throw new UsageException($"{source}: {exception.Message}", exception);
        }
    }

    public void Dispose()
    {
        foreach (var driver in _drivers)
        {
            driver.Dispose();
        }
    }
}
