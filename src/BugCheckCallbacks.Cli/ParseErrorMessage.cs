using System.CommandLine;

namespace BugCheckCallbacks.Cli;

/// <summary>
/// Turns System.CommandLine's parse errors into the one line every bad input gets: an unknown command or option is named
/// with the nearest real one ("did you mean"), the value that followed an unknown option is not a second error, and
/// "Required command was not provided" is not said when the command was only misspelled.
/// </summary>
internal static class ParseErrorMessage
{
    public static string Of(ParseResult parse)
    {
        var command = parse.CommandResult.Command;
        var where = command is RootCommand ? "bugcheck" : $"bugcheck {command.Name}";
        if (parse.UnmatchedTokens.Count > 0)
        {
            var token = parse.UnmatchedTokens[0];
            if (token.StartsWith('-'))
            {
                var options = Names(command.Options.Concat(command is RootCommand ? [] : parse.RootCommandResult.Command.Options.Where(o => o.Recursive)));
                return $"'{token}' is not an option of '{where}'{Suggest(token, options)} ('{where} --help' lists them)";
            }

            if (command is RootCommand)
            {
                return $"'{token}' is not a bugcheck command{Suggest(token, command.Subcommands.Select(c => c.Name))} ('bugcheck --help' lists them)";
            }

            return $"'{token}' is not an argument of '{where}': an option's value needs its option, and a path with spaces needs quotes ('{where} --help' shows the usage).";
        }

        var messages = parse.Errors.Select(e => e.Message.TrimEnd('.')).Distinct(StringComparer.Ordinal).ToList();
        return $"{string.Join("; ", messages)} ('{where} --help' shows the usage).";
    }

    /// <summary>
    /// Makes a command's FILE... argument refuse a value that looks like an option and names no file: with one or more files
    /// allowed, System.CommandLine hands it over as a file ("--jsn" read as a path, after the whole output of the others).
    /// </summary>
    public static void RefuseOptionsAsFiles(Command command, Argument<string[]> files) => files.Validators.Add(result =>
    {
        foreach (var value in result.Tokens.Select(t => t.Value))
        {
            if (value.StartsWith('-') && value.Length > 1 && !File.Exists(value))
            {
                var inherited = command.Parents.OfType<Command>().SelectMany(p => p.Options.Where(o => o.Recursive)); // --no-color, --quiet
                var options = Names(command.Options.Concat(inherited));
                result.AddError($"'{value}' is not an option of 'bugcheck {command.Name}'{Suggest(value, options).TrimEnd('.')}");
                return;
            }
        }
    });

    /// <summary>The names a user may type for <paramref name="options"/>, aliases included, less the help's "-?" and "/?".</summary>
    private static IEnumerable<string> Names(IEnumerable<Option> options) =>
        options.SelectMany(o => o.Aliases.Prepend(o.Name)).Where(n => !n.Equals("-?", StringComparison.Ordinal) && !n.Equals("/?", StringComparison.Ordinal));

    private static string Suggest(string token, IEnumerable<string> names)
    {
        var best = names.Select(n => (Name: n, Distance: Distance(token.ToLowerInvariant(), n.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, token.Length / 3) || c.Name.StartsWith(token, StringComparison.OrdinalIgnoreCase))
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal).FirstOrDefault();
        return best.Name is null ? "." : $": did you mean '{best.Name}'?";
    }

    /// <summary>The edit distance (insertions, deletions, substitutions) between two short words.</summary>
    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
