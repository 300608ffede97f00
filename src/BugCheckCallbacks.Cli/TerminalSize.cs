using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Cli;

/// <summary>
/// The terminal's width, read from the standard-output descriptor itself (ioctl TIOCGWINSZ), not through .NET's Console:
/// on Linux and macOS asking Console for its size initializes the terminal, which writes "ESC[?1h ESC=" first and
/// "ESC[39;49m" at exit — escape codes in the output of --no-color and NO_COLOR runs.
/// </summary>
internal static partial class TerminalSize
{
    private const int StandardOutput = 1;
    private const int DefaultWidth = 80;

    /// <summary>Gets the width of the terminal standard output is, or 80 when it cannot be read.</summary>
    public static int Width()
    {
        if (OperatingSystem.IsWindows())
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : DefaultWidth; // no escape codes on Windows
        }

        nuint request = OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD() ? 0x40087468u : 0x5413u; // TIOCGWINSZ
        return Ioctl(StandardOutput, request, out var size) == 0 && size.Columns > 0 ? size.Columns : DefaultWidth;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort XPixels;
        public ushort YPixels;
    }

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = false)]
    private static partial int Ioctl(int descriptor, nuint request, out WindowSize size);
}
