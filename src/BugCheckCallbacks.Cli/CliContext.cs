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
        Out = Terminal(1, Console.IsOutputRedirected) ?? Console.Out,
        Error = Terminal(2, Console.IsErrorRedirected) ?? Console.Error,
        OpenStandardOutput = Console.OpenStandardOutput,
        IsInteractive = !Console.IsOutputRedirected,
    };

    /// <summary>
    /// A writer straight to a terminal's descriptor on Linux and macOS: .NET's Console initializes the terminal on its first
    /// write there, which puts "ESC[?1h ESC=" before the output and "ESC[39;49m" after it, even with --no-color.
    /// </summary>
    private static StreamWriter? Terminal(int descriptor, bool redirected)
    {
        if (redirected || OperatingSystem.IsWindows())
        {
            return null;
        }

        var stream = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, bufferSize: 0);
        return new StreamWriter(stream, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false)) { AutoFlush = true };
    }

    public IAnsiConsole CreateConsole(bool noColor)
    {
        var plain = noColor || !IsInteractive || Environment.GetEnvironmentVariable("NO_COLOR") is { Length: > 0 };

        // Piped output never wraps: a script gets whole lines, whatever a table's width. The width is read without .NET's
        // Console, whose size query writes terminal escape codes (TerminalSize): --no-color output is plain text.
        var width = IsInteractive ? TerminalWidth ?? TerminalSize.Width() : PipedWidth;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = plain ? AnsiSupport.No : AnsiSupport.Yes,
            ColorSystem = plain ? ColorSystemSupport.NoColors : ColorSystemSupport.Standard,
            Interactive = IsInteractive && !plain ? InteractionSupport.Yes : InteractionSupport.No,
            Out = new PlainConsoleOutput(Out, IsInteractive, width),
        });
        console.Profile.Width = width;
        return console;
    }
}
