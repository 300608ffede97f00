using System.Text;
using Spectre.Console;

namespace BugCheckCallbacks.Cli;

/// <summary>
/// Spectre.Console's output over a writer, with a width given up front: Spectre's own asks .NET's Console for the
/// terminal's size, which on Linux and macOS writes terminal escape codes (<see cref="TerminalSize"/>).
/// </summary>
internal sealed class PlainConsoleOutput(TextWriter writer, bool isTerminal, int width) : IAnsiConsoleOutput
{
    public TextWriter Writer => writer;

    public bool IsTerminal => isTerminal;

    public int Width => width;

    public int Height => 24;

    public void SetEncoding(Encoding encoding)
    {
        // The writer's encoding is the process's; nothing to change here.
    }
}
