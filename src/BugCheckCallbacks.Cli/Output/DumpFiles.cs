using BugCheckCallbacks.Cli.Reading;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Output;

/// <summary>
/// Expands the FILE arguments of the batch commands (a pattern with * or ? in its file name is matched in its folder, so
/// it works where the shell does not expand it) and runs one piece of work per file in parallel, printing each file's
/// output in argument order. The exit code is the worst one.
/// </summary>
internal static class DumpFiles
{
    public static List<string> Expand(IEnumerable<string> arguments)
    {
        var files = new List<string>();
        foreach (var argument in arguments)
        {
            var name = Path.GetFileName(argument);
            if (name.IndexOfAny(['*', '?']) < 0)
            {
                files.Add(argument);
                continue;
            }

            var folder = Path.GetDirectoryName(argument) is { Length: > 0 } directory ? directory : ".";
            var matches = Directory.Exists(folder)
                ? Directory.EnumerateFiles(folder, name).Select(f => folder == "." && !argument.StartsWith('.') ? Path.GetFileName(f) : f).Order(StringComparer.Ordinal).ToList()
                : [];
            if (matches.Count == 0)
            {
                throw new UsageException($"<file> \"{argument}\": no file matches the pattern.");
            }

            files.AddRange(matches);
        }

        return files;
    }

    /// <summary>Runs <paramref name="work"/> for every file on up to one thread per core; writes the outputs in order.</summary>
    public static int Run(CliContext context, IReadOnlyList<string> files, Func<int, string, CliContext, int> work)
    {
        var results = new (string Out, string Error, int Exit)[files.Count];
        Parallel.For(0, files.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var output = new StringWriter { NewLine = context.Out.NewLine };
            var error = new StringWriter { NewLine = context.Error.NewLine };
            var fileContext = context.With(output, error);
            var exit = BugCheckCli.Guard(fileContext, () => work(i, files[i], fileContext), subject: files[i]); // each error line names its file
            results[i] = (output.ToString(), error.ToString(), exit);
        });

        foreach (var (output, error, _) in results)
        {
            context.Out.Write(output);
            context.Error.Write(error);
        }

        return results.Length == 0 ? ExitCodes.Ok : results.Max(r => r.Exit);
    }

    /// <summary>
    /// The text form of a batch: each file opened, its headers read even when quiet (the exit code says whether the file
    /// is valid), a "== path" line before each file's output when there are several, then <paramref name="render"/>.
    /// </summary>
    public static int RunText(CliContext context, IReadOnlyList<string> files, bool noColor, Func<string, CliContext, DumpSource> open, Action<IAnsiConsole, string, DumpSource> render) =>
        Run(context, files, (_, path, file) =>
        {
            using var source = open(path, file);
            if (file.Quiet)
            {
                _ = source.Tags.Count();
                return ExitCodes.Ok;
            }

            var console = file.CreateConsole(noColor);
            if (files.Count > 1)
            {
                console.WriteLine($"== {path}");
            }

            render(console, path, source);
            return ExitCodes.Ok;
        });

    /// <summary>
    /// The JSON form of a batch: one entry per file, in argument order, <paramref name="failed"/>'s for a file that gave an
    /// error (the error still sets the exit code); <paramref name="write"/> prints the document once every file is done.
    /// </summary>
    public static int RunJson<TEntry>(CliContext context, IReadOnlyList<string> files, Func<string, CliContext, TEntry> describe, Func<string, JsonError, TEntry> failed, Action<TEntry[]> write)
    {
        var entries = new TEntry[files.Count];
        var exit = Run(context, files, (index, path, file) =>
        {
            try
            {
                entries[index] = describe(path, file);
                return ExitCodes.Ok;
            }
            catch (Exception exception) when (BugCheckCli.ExitCodeOf(exception) is { } code)
            {
                entries[index] = failed(path, new JsonError(code, exception.Message));
                throw;
            }
        });
        write(entries);
        return exit;
    }
}
