namespace BugCheckCallbacks.Tests.Forensics;

/// <summary>
/// A fact that needs Volatility 3: its <c>vol.py</c> named by the environment variable <c>VOLATILITY3_VOL</c> (and the
/// Python to run it, <c>VOLATILITY3_PYTHON</c>, default <c>python3</c>). Reported as skipped, never as passed, without it;
/// docs/forensics.md says how to build one in a scratch folder.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class VolatilityFactAttribute : FactAttribute
{
    public VolatilityFactAttribute()
    {
        Skip = VolPy is null ? "Volatility 3 is not available: set VOLATILITY3_VOL to its vol.py (docs/forensics.md)." : null;
    }

    public static string? VolPy => Environment.GetEnvironmentVariable("VOLATILITY3_VOL") is { Length: > 0 } path && File.Exists(path) ? path : null;

    public static string Python => Environment.GetEnvironmentVariable("VOLATILITY3_PYTHON") is { Length: > 0 } python ? python : "python3";
}
