using System.Diagnostics;

namespace BugCheckCallbacks.Tests.Native;

/// <summary>The machine's C compiler ($CC, else cc, clang or gcc; clang or cl on Windows), and builds with it.</summary>
internal static class NativeCompiler
{
    public static string? Path { get; } = Find();

    /// <summary>Why native tests cannot run here, or null when they can.</summary>
    public static string? SkipReason => Path is null ? "No C compiler on this machine (CC, cc, clang, gcc; clang or cl on Windows): the native driver tests need one." : null;

    public static string IncludeFolder { get; } = System.IO.Path.Combine(RepositoryRoot.Path, "include");

    private static bool IsCl => Path is { } path && System.IO.Path.GetFileNameWithoutExtension(path).Equals("cl", StringComparison.OrdinalIgnoreCase);

    /// <summary>The file name a shared library called <paramref name="name"/> gets on this host.</summary>
    public static string LibraryName(string name) =>
        OperatingSystem.IsWindows() ? $"{name}.dll" : OperatingSystem.IsMacOS() ? $"lib{name}.dylib" : $"lib{name}.so";

    /// <summary>Compiles <paramref name="sourceFile"/> as a driver library, warnings as errors; returns its path.</summary>
    public static string Library(string sourceFile, string outputFolder, string name) => Library([sourceFile], outputFolder, name);

    /// <summary>Compiles <paramref name="sourceFiles"/> into one driver library, warnings as errors; returns its path.</summary>
    public static string Library(string[] sourceFiles, string outputFolder, string name)
    {
        var output = System.IO.Path.Combine(outputFolder, LibraryName(name));
        Run(IsCl
            ? ["/nologo", "/W4", "/WX", "/LD", $"/I{IncludeFolder}", .. sourceFiles, $"/Fe:{output}"]
            : [.. Common(), "-shared", .. OperatingSystem.IsWindows() ? Array.Empty<string>() : ["-fPIC"], "-I", IncludeFolder, .. sourceFiles, "-o", output]);
        return output;
    }

    /// <summary>Compiles <paramref name="sourceFile"/> as a program; returns its path.</summary>
    public static string Program(string sourceFile, string outputFolder, string name)
    {
        var output = System.IO.Path.Combine(outputFolder, OperatingSystem.IsWindows() ? $"{name}.exe" : name);
        Run(IsCl
            ? ["/nologo", "/W4", "/WX", $"/I{IncludeFolder}", sourceFile, $"/Fe:{output}"]
            : [.. Common(), "-I", IncludeFolder, sourceFile, "-o", output]);
        return output;
    }

    /// <summary>Compiles <paramref name="sourceFile"/> to an object file with the given options (the header's include folder added).</summary>
    public static void CompileOnly(string sourceFile, params string[] options) =>
        Run([.. options, "-I", IncludeFolder, "-c", sourceFile, "-o", System.IO.Path.ChangeExtension(sourceFile, ".o")]);

    /// <summary>Runs <paramref name="program"/> and returns its standard output.</summary>
    public static string RunProgram(string program)
    {
        var (code, output, errors) = Execute(program, []);
        return code == 0 ? output : throw new InvalidOperationException($"{program} exited with {code}: {errors}");
    }

    private static string[] Common() => ["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2"];

    private static void Run(string[] arguments)
    {
        var (code, output, errors) = Execute(Path ?? throw new InvalidOperationException(SkipReason), arguments);
        if (code != 0)
        {
            throw new InvalidOperationException($"{Path} {string.Join(' ', arguments)} failed ({code}):{Environment.NewLine}{output}{errors}");
        }
    }

    /// <summary>Runs <paramref name="program"/> with <paramref name="arguments"/> and returns its exit code and both outputs.</summary>
    /// <exception cref="TimeoutException">It ran past <paramref name="timeout"/> (default 10 minutes), and was killed.</exception>
    public static (int Code, string Output, string Errors) Execute(string program, string[] arguments, IReadOnlyDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        if (!process.WaitForExit(timeout ?? TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran past {timeout ?? TimeSpan.FromMinutes(10)} and was killed.");
        }

        process.WaitForExit();
        return (process.ExitCode, output.Result, errors.Result);
    }

    private static string? Find()
    {
        var candidates = Environment.GetEnvironmentVariable("CC") is { Length: > 0 } cc ? [cc]
            : OperatingSystem.IsWindows() ? ["clang", "cl"] : new[] { "cc", "clang", "gcc" };
        return candidates.Select(OnPath).FirstOrDefault(path => path is not null);
    }

    /// <summary>The full path of <paramref name="program"/> (a rooted path, or a name looked up on PATH), or null where there is none.</summary>
    public static string? OnPath(string program)
    {
        if (System.IO.Path.IsPathRooted(program))
        {
            return File.Exists(program) ? program : null;
        }

        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (var file in OperatingSystem.IsWindows() ? [program + ".exe"] : new[] { program })
            {
                var path = System.IO.Path.Combine(folder, file);
                if (File.Exists(path))
                {
                    return path;
                }
            }
        }

        return null;
    }
}
