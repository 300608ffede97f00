namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>
/// mingw-w64's x64 compiler (Debian's gcc-mingw-w64-x86-64, which CI installs) and, off Windows, Wine to run what it
/// builds: how the header's Windows branches are compiled and run on a Linux machine.
/// </summary>
internal static class MingwToolchain
{
    public static string? Compiler { get; } = NativeCompiler.OnPath("x86_64-w64-mingw32-gcc");

    /// <summary>clang, which builds for mingw-w64 too (<c>--target=x86_64-w64-windows-gnu</c>; mingw-w64's gcc links).</summary>
    public static string? Clang { get; } = NativeCompiler.OnPath("clang");

    /// <summary>Wine, off Windows; on Windows a program runs as it is.</summary>
    public static string? Wine { get; } = OperatingSystem.IsWindows() ? null : NativeCompiler.OnPath("wine") ?? NativeCompiler.OnPath("wine64");

    /// <summary>Why the header cannot be compiled for Windows here, or null when it can.</summary>
    public static string? CompileSkipReason => Compiler is null ? "No x86_64-w64-mingw32-gcc on this machine (Debian: gcc-mingw-w64-x86-64): the Windows build tests need it." : null;

    /// <summary>Why a Windows program cannot be run here, or null when it can.</summary>
    public static string? RunSkipReason => CompileSkipReason
        ?? (Wine is null && !OperatingSystem.IsWindows() ? "No Wine on this machine (Debian: wine): running the Windows containment program needs it." : null);

    /// <summary>Compiles <paramref name="sourceFile"/> with the header's include folder, warnings as errors; returns the output's path.</summary>
    public static string Compile(string sourceFile, string output, params string[] options)
    {
        var (code, text, errors) = NativeCompiler.Execute(
            Compiler ?? throw new InvalidOperationException(CompileSkipReason),
            ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-I", NativeCompiler.IncludeFolder, sourceFile, "-o", output, .. options]); // libraries after the source
        return code == 0 ? output : throw new InvalidOperationException($"x86_64-w64-mingw32-gcc {sourceFile} failed ({code}):{Environment.NewLine}{text}{errors}");
    }

    /// <summary>Why clang cannot build for mingw-w64 here, or null when it can.</summary>
    public static string? ClangSkipReason => RunSkipReason ?? (Clang is null ? "No clang on this machine (Debian: clang): building the glue with clang for mingw-w64 needs it." : null);

    /// <summary>Compiles <paramref name="sourceFile"/> with clang for x86_64-w64-windows-gnu, warnings as errors, and links it with mingw-w64's gcc.</summary>
    public static string CompileWithClang(string sourceFile, string output)
    {
        var objectFile = Path.ChangeExtension(output, ".o");
        var (code, text, errors) = NativeCompiler.Execute(
            Clang ?? throw new InvalidOperationException(ClangSkipReason),
            ["--target=x86_64-w64-windows-gnu", "-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-I", NativeCompiler.IncludeFolder, "-c", sourceFile, "-o", objectFile]);
        if (code != 0)
        {
            throw new InvalidOperationException($"clang {sourceFile} failed ({code}):{Environment.NewLine}{text}{errors}");
        }

        (code, text, errors) = NativeCompiler.Execute(Compiler!, [objectFile, "-o", output]);
        return code == 0 ? output : throw new InvalidOperationException($"x86_64-w64-mingw32-gcc {objectFile} failed ({code}):{Environment.NewLine}{text}{errors}");
    }

    /// <summary>Runs a Windows program (under Wine off Windows) and returns its exit code and both outputs, for at most 2 minutes.</summary>
    public static (int Code, string Output) Run(string program, params string[] arguments)
    {
        var timeout = TimeSpan.FromMinutes(2);
        var (code, output, errors) = Wine is { } wine
            ? NativeCompiler.Execute(wine, [program, .. arguments], new Dictionary<string, string> { ["WINEDEBUG"] = "-all" }, timeout)
            : NativeCompiler.Execute(program, arguments, timeout: timeout);
        return (code, output + errors);
    }
}
