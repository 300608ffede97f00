using Spectre.Console;

namespace BugCheckCallbacks.Cli;

/// <summary>Where the CLI reads and writes: the real console in Program, strings in the tests.</summary>
internal sealed class CliContext
{
    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Opens standard output as bytes (extract writes raw data there when it is not a terminal).</summary>
    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Whether output goes to a terminal (colors, progress bars, hex dumps).</summary>
    public bool IsInteractive { get; init; }

    public static CliContext ForConsole() => new()
    {
        Out = Console.Out,
        Error = Console.Error,
        OpenStandardOutput = Console.OpenStandardOutput,
        IsInteractive = !Console.IsOutputRedirected,
    };

    public IAnsiConsole CreateConsole(bool noColor)
    {
        var plain = noColor || !IsInteractive || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = IsInteractive && !plain ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new AnsiConsoleOutput(Out),
        });
        if (!IsInteractive)
        {
            console.Profile.Width = 160; // stable, unwrapped tables in files and tests
        }

        return console;
    }
}
