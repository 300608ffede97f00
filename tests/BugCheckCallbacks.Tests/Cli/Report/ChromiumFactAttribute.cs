namespace BugCheckCallbacks.Tests.Cli.Report;

/// <summary>
/// A fact that needs a Chromium to render pages headless: <c>CHROMIUM</c> names it, else <c>/usr/bin/chromium</c> (Debian's
/// package, which <c>.ci/run</c> installs). Reported as skipped, never as passed, where there is none.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        Skip = Browser is null ? "Chromium is not available: install Debian's chromium package or set CHROMIUM to a Chromium executable." : null;
    }

    public static string? Browser =>
        new[] { Environment.GetEnvironmentVariable("CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(p => !string.IsNullOrEmpty(p) && File.Exists(p));
}
