using Spectre.Console;

namespace BugCheckCallbacks.Cli;

/// <summary>Where the CLI reads and writes: the real console in Program, strings in the tests.</summary>
internal sealed class CliContext
{
    /// <summary>The width of piped output: wide enough that no table or line is ever wrapped.</summary>
    public const int PipedWidth = 1 << 14;

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    /// <summary>Opens standard output as bytes (extract writes raw data there when it is not a terminal).</summary>
    public required Func<Stream> OpenStandardOutput { get; init; }

    /// <summary>Whether output goes to a terminal (colors, progress bars, hex dumps).</summary>
    public bool IsInteractive { get; init; }

    /// <summary>The terminal's width, when it is one; null lets the console find it (tests set 80).</summary>
    public int? TerminalWidth { get; init; }

    /// <summary>Whether --quiet was given: nothing on standard output, errors on standard error, the exit code says the rest.</summary>
    public bool Quiet { get; set; }

    /// <summary>The same context writing to other writers: one file's output in a batch.</summary>
    public CliContext With(TextWriter output, TextWriter error) => new()
    {
        Out = output,
        Error = error,
        OpenStandardOutput = OpenStandardOutput,
        IsInteractive = IsInteractive,
        TerminalWidth = TerminalWidth,
        Quiet = Quiet,
    };

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
        // Piped output never wraps: a script gets whole lines, whatever a table's width.
        console.Profile.Width = IsInteractive ? TerminalWidth ?? console.Profile.Width : PipedWidth;
        return console;
    }
}
