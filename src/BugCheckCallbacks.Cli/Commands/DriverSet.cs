using BugCheckCallbacks.Native;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>The native drivers a run loads (a scenario's <c>driver</c>, <c>--driver</c>), unloaded when the run ends.</summary>
internal sealed class DriverSet(SimulatedKernel kernel) : IDisposable
{
    private readonly List<NativeDriver> _drivers = [];

    /// <summary>Loads the library at <paramref name="path"/>, if any; a library that cannot be loaded is a usage error naming <paramref name="source"/>.</summary>
    public void Load(string source, string? path)
    {
        if (path is null)
        {
            return;
        }

        BugCheckCli.ExistingFile(path, source);
        try
        {
            _drivers.Add(kernel.LoadDriver(path));
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
