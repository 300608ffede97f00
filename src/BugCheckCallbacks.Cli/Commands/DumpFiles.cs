using System.Text.RegularExpressions;

namespace BugCheckCallbacks.Cli.Commands;

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
                throw new UsageException($"FILE \"{argument}\": no file matches the pattern.");
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
            var exit = BugCheckCli.Guard(fileContext, () => work(i, files[i], fileContext));
            results[i] = (output.ToString(), error.ToString(), exit);
        });

        foreach (var (output, error, _) in results)
        {
            context.Out.Write(output);
            context.Error.Write(error);
        }

        return results.Length == 0 ? ExitCodes.Ok : results.Max(r => r.Exit);
    }

    /// <summary>The message of a usage or dump error, for a file's "error" entry in JSON output.</summary>
    public static string FirstLine(string text) => Regex.Replace(text.Trim(), @"^error: ", string.Empty).Split('\n')[0].TrimEnd('\r');
}
