using System.CommandLine;
using BugCheckCallbacks.Cli.Commands;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli;

/// <summary>The <c>bugcheck</c> command line: simulate, enumtag, extract, show, db, reasons.</summary>
internal static class BugCheckCli
{
    public static readonly Option<bool> NoColor = new("--no-color")
    {
        Description = "Plain output: no colors, no progress bars (also when output is not a terminal, or NO_COLOR is set).",
        Recursive = true,
    };

    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("Simulate Windows bug-check reason callbacks and read the dumps they leave behind.");
        root.Options.Add(NoColor);
        root.Subcommands.Add(SimulateCommand.Create(context));
        root.Subcommands.Add(EnumTagCommand.Create(context));
        root.Subcommands.Add(ExtractCommand.Create(context));
        root.Subcommands.Add(ShowCommand.Create(context));
        root.Subcommands.Add(DbCommand.Create(context));
        root.Subcommands.Add(ReasonsCommand.Create(context));

        var parse = root.Parse(args);
        var configuration = new InvocationConfiguration { Output = context.Out, Error = context.Error };
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                context.Error.WriteLine(error.Message);
            }

            context.Error.WriteLine("Run 'bugcheck --help' for usage.");
            return ExitCodes.Usage;
        }

        return parse.Invoke(configuration);
    }

    /// <summary>Runs a command body, turning the failures users can cause into messages and exit codes.</summary>
    public static int Guard(CliContext context, Func<int> body)
    {
        try
        {
            return body();
        }
        catch (InvalidDumpException exception)
        {
            context.Error.WriteLine($"error: {exception.Message}");
            return ExitCodes.InvalidDump;
        }
        catch (ScenarioException exception)
        {
            context.Error.WriteLine($"error: {exception.Message}");
            return ExitCodes.Usage;
        }
        catch (UsageException exception)
        {
            context.Error.WriteLine($"error: {exception.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException)
        {
            context.Error.WriteLine($"error: {exception.Message}");
            return ExitCodes.Usage;
        }
    }
}

/// <summary>A mistake in how the command was called; exit code 2.</summary>
internal sealed class UsageException : Exception
{
    public UsageException()
    {
    }

    public UsageException(string message)
        : base(message)
    {
    }

    public UsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
