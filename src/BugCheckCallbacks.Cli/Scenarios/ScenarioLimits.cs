using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>
/// What a scenario may ask of the machine it runs on, unless <c>--allow-large</c> says the user means it: a scenario of a
/// few bytes must not write a dump until the disk is full, allocate gigabytes up front, or spin a core for ten minutes.
/// <c>bugcheck scenario --schema</c> states each limit.
/// </summary>
internal static class ScenarioLimits
{
    /// <summary>A scenario file's size: parsing costs several times it.</summary>
    public const long MaxScenarioBytes = 16L << 20;

    /// <summary>A scenario file's size with --allow-large.</summary>
    public const long MaxScenarioBytesAllowLarge = 256L << 20;

    /// <summary>The memory the scenario's regions may describe: a complete dump stores all of it.</summary>
    public const ulong MaxMemoryBytes = 4UL << 30;

    /// <summary>The callbacks' buffers together, allocated before the crash as a driver's are.</summary>
    public const long MaxCallbackBytes = 256L << 20;

    /// <summary>The longest call budget: the Slow fault spins until it is passed.</summary>
    public const uint MaxCallTimeBudgetMs = 10_000;

    /// <summary>A component's name, as a loaded module's name is short.</summary>
    public const int MaxComponentLength = 256;

    /// <summary>Ranges or blocks of one callback, and memory regions of the scenario.</summary>
    public const int MaxListLength = 10_000;

    public static void Check(ScenarioFile scenario, bool allowLarge)
    {
        var breaches = new List<string>();
        var memory = scenario.Memory ?? [];
        var memoryBytes = memory.Aggregate(0UL, (sum, region) => sum > ulong.MaxValue - region.Size ? ulong.MaxValue : sum + region.Size);
        if (memoryBytes > MaxMemoryBytes)
        {
            breaches.Add($"$.memory: the regions describe 0x{memoryBytes:X} bytes, more than the 0x{MaxMemoryBytes:X} (4 GiB) a scenario may; a dump of the machine would be that large");
        }

        if (memory.Count > MaxListLength)
        {
            breaches.Add($"$.memory: {memory.Count:N0} regions, more than {MaxListLength:N0}");
        }

        var callbackBytes = scenario.Callbacks.Sum(c => (long)Math.Max(0, c.Size ?? 0));
        if (callbackBytes > MaxCallbackBytes)
        {
            var largest = scenario.Callbacks.Select((c, i) => (Size: (long)Math.Max(0, c.Size ?? 0), At: i)).MaxBy(c => c.Size);
            breaches.Add($"$.callbacks: their buffers take {callbackBytes:N0} bytes together, more than the {MaxCallbackBytes:N0} (256 MiB, 0x{MaxCallbackBytes:X}) a scenario may allocate up front (the largest, $.callbacks[{largest.At}].size, is {largest.Size:N0})");
        }

        if (scenario.CallTimeBudgetMs > MaxCallTimeBudgetMs)
        {
            breaches.Add($"$.callTimeBudgetMs: {scenario.CallTimeBudgetMs} is more than {MaxCallTimeBudgetMs} ms; a Slow callback would spin that long");
        }

        for (var i = 0; i < scenario.Callbacks.Count; i++)
        {
            var callback = scenario.Callbacks[i];
            if (callback.Component.Length > MaxComponentLength)
            {
                breaches.Add($"$.callbacks[{i}].component: {callback.Component.Length:N0} characters, more than {MaxComponentLength}");
            }

            if (callback.Ranges?.Count > MaxListLength || callback.Blocks?.Count > MaxListLength)
            {
                breaches.Add($"$.callbacks[{i}]: more than {MaxListLength:N0} ranges or blocks");
            }
        }

        if (breaches.Count > 0 && !allowLarge)
        {
            throw new ScenarioException($"{scenario.Source}: {string.Join("; ", breaches)} (--allow-large lifts these limits, for a machine that has the room).");
        }
    }
}
