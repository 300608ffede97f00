using System.Diagnostics;
using System.Text.RegularExpressions;

namespace BugCheckCallbacks.Tests.Cli.Report;

/// <summary>
/// The built-in scenario's report rendered by a real browser, headless Chromium: its script runs without a console message,
/// the timeline and the file map are in the rendered page, the filter works, and a screenshot is kept (under
/// <c>BUGCHECK_ARTIFACTS</c> when CI sets it).
/// </summary>
public sealed class ReportBrowserTests : IDisposable
{
    private static readonly TimeSpan s_browserTimeout = TimeSpan.FromSeconds(90);
    private readonly string _folder = Directory.CreateTempSubdirectory("bugcheck-browser-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [ChromiumFact]
    public void The_built_in_scenario_renders_without_console_errors_with_a_row_per_callback_and_a_block_per_blob()
    {
        var page = Report();
        var (dom, log) = Chromium("--dump-dom", new Uri(page).AbsoluteUri);
        dom.Should().Contain("data-ready=\"1\"", "the page's script ran to its end");
        ConsoleMessages(log).Should().BeEmpty("the page logs nothing and throws nothing");
        Regex.Count(dom, "<g data-row=").Should().Be(10, "one timeline row per callback");
        Regex.Count(dom, "<rect class=\"blob mark\"").Should().Be(4, "one map block per blob");
        dom.Should().Contain("id=\"map-file\"").And.Contain("id=\"map-body\"").And.Contain("id=\"map-region\"");
    }

    [ChromiumFact]
    public void A_filter_in_the_link_hides_the_other_callbacks()
    {
        var page = Report();
        var (dom, log) = Chromium("--dump-dom", new Uri(page).AbsoluteUri + "#filter=ndis");
        ConsoleMessages(log).Should().BeEmpty();
        Regex.Count(dom, "<g data-row=\"[^\"]*\" data-flagged=\"[01]\" class=\"hidden\"").Should().Be(9, "every row but ndis.sys's is hidden");
        dom.Should().MatchRegex("<g data-row=\"ndis.sys\" data-flagged=\"0\"( class=\"\")?>");
    }

    [ChromiumFact]
    public void A_screenshot_of_the_page_is_kept()
    {
        var page = Report();
        var folder = Environment.GetEnvironmentVariable("BUGCHECK_ARTIFACTS") is { Length: > 0 } artifacts ? Directory.CreateDirectory(artifacts).FullName : _folder;
        var screenshot = Path.Combine(folder, "report.png");
        File.Delete(screenshot);
        var (_, log) = Chromium($"--screenshot={screenshot}", "--window-size=1300,1500", new Uri(page).AbsoluteUri);
        ConsoleMessages(log).Should().BeEmpty();
        var png = File.ReadAllBytes(screenshot);
        png.AsSpan(0, 8).ToArray().Should().Equal([0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]);
        png.Length.Should().BeGreaterThan(20_000, "a rendered page of tables and figures, not a blank one");
    }

    private string Report()
    {
        var dump = Path.Combine(_folder, "crash.dmp");
        var html = Path.Combine(_folder, "crash.html");
        if (!File.Exists(html))
        {
            var result = CliRunner.Run("simulate", "--out", dump, "--html", html, "-q");
            result.Exit.Should().Be(0, result.Error);
        }

        return html;
    }

    /// <summary>The console lines Chromium logs with --enable-logging: each page message is an INFO:CONSOLE line.</summary>
    private static List<string> ConsoleMessages(string log) => log.Split('\n').Where(l => l.Contains(":CONSOLE", StringComparison.Ordinal)).ToList();

    private (string Output, string Log) Chromium(params string[] arguments)
    {
        var start = new ProcessStartInfo(ChromiumFactAttribute.Browser!)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // As the machine's notes say: headless, no sandbox (CI runs as root), and no background connections on a closed network.
        foreach (var flag in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--enable-logging=stderr", "--v=0", $"--user-data-dir={Path.Combine(_folder, $"profile-{Guid.NewGuid():N}")}" })
        {
            start.ArgumentList.Add(flag);
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var log = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(s_browserTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"Chromium did not finish within {s_browserTimeout.TotalSeconds} s.");
        }

        process.WaitForExit();
        return (output.Result, log.Result);
    }
}
