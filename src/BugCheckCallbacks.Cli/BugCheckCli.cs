using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BugCheckCallbacks.Binary;
using BugCheckCallbacks.Cli.Commands;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Scenarios;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli;

/// <summary>The <c>bugcheck</c> command line: simulate, enumtag, extract, show, db, reasons, scenario.</summary>
internal static class BugCheckCli
{
    public static readonly Option<bool> NoColor = new("--no-color")
    {
        Description = "Plain output: no colors, no progress bars (also when output is not a terminal, or NO_COLOR is set).",
        Recursive = true,
    };

    public static readonly Option<bool> Quiet = new("--quiet", "-q")
    {
        Description = "No tables, summaries or progress on standard output; the data asked for still prints (a --json document, db's and extract's bytes, scenario's text). Errors go to standard error and the exit code says the rest.",
        Recursive = true,
    };

    /// <summary>JSON for files and terminals: the contexts' own settings, with <c>"</c>, <c>+</c> or non-ASCII text as themselves, not <c>\u0022</c> (the default encoder's, for JSON inside HTML).</summary>
    private static readonly CliJsonContext s_cliJson = new(ReadableOptions());

    private static readonly ForensicsJsonContext s_forensicsJson = new(ReadableOptions());

    private static JsonSerializerOptions ReadableOptions() => new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The examples each command's --help shows.</summary>
    public static readonly CommandExamples Examples = new();

    private static readonly string[] s_exitCodes =
    [
        "0  success; for simulate, every violation was one the scenario expects",
        "1  simulate: a violation the scenario does not expect, or an expected one missing",
        "2  bad usage: an option, argument, number, GUID, scenario or path that is not valid",
        "3  a file that is not a valid dump or DumpBlob region (corrupt or truncated)",
        "4  internal error: a bug in bugcheck; the message says what failed",
    ];

    public static Option<bool> JsonOption(string description = "Print one JSON document (docs/cli.md, \"JSON output\") instead of tables.") =>
        new("--json") { Description = description };

    public static int Run(string[] args, CliContext context)
    {
        var root = new RootCommand("Simulate Windows bug-check reason callbacks and read the x64 kernel dumps they leave behind.");
        root.Options.Add(NoColor);
        root.Options.Add(Quiet);
        root.Subcommands.Add(SimulateCommand.Create(context));
        root.Subcommands.Add(EnumTagCommand.Create(context));
        root.Subcommands.Add(ExtractCommand.Create(context));
        root.Subcommands.Add(ShowCommand.Create(context));
        root.Subcommands.Add(DbCommand.Create(context));
        root.Subcommands.Add(DbCommand.Create(context, "dd", 4));
        root.Subcommands.Add(DbCommand.Create(context, "dq", 8));
        root.Subcommands.Add(VtopCommand.Create(context));
        root.Subcommands.Add(ModulesCommand.Create(context));
        root.Subcommands.Add(CallbacksCommand.Create(context));
        root.Subcommands.Add(ReportCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(InspectCommand.Create(context));
        root.Subcommands.Add(ReasonsCommand.Create(context));
        root.Subcommands.Add(ScenarioCommand.Create(context));
        Examples[root] = ["bugcheck simulate", "bugcheck enumtag crash.dmp", "bugcheck db crash.dmp 'ffff8000`00400000'"];
        CustomizeHelp(root);

        // No response files: System.CommandLine reads "@x" as a file of more arguments, so "@/dev/zero" never ended and
        // "--expect @faulty.sys" was a missing file; every argument is taken as written.
        var parse = root.Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        context.Quiet = parse.GetValue(Quiet);
        if (parse.Errors.Count > 0)
        {
            context.Error.WriteLine($"error: {ParseErrorMessage.Of(parse)}"); // one line, as for every other bad input
            return ExitCodes.Usage;
        }

        // ProcessTerminationTimeout null: Ctrl-C and SIGTERM end the process as usual (the commands are synchronous, so
        // System.CommandLine's cancellation would only swallow the signal while a dump goes on being written).
        var configuration = new InvocationConfiguration { Output = context.Out, Error = context.Error, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null };
        return Guard(context, () => parse.Invoke(configuration));
    }

    /// <summary>
    /// Runs a command body, turning every failure into one message on standard error and an exit code: never a stack
    /// trace. With <paramref name="subject"/> (a batch's file), a failure a user can cause names it first, unless it does already.
    /// </summary>
    public static int Guard(CliContext context, Func<int> body, string? subject = null)
    {
        try
        {
            return body();
        }
        catch (Exception exception) when (ExitCodeOf(exception) is { } code)
        {
            var named = subject is null || exception.Message.Contains(subject, StringComparison.Ordinal) ? exception.Message : $"{subject}: {exception.Message}";
            context.Error.WriteLine($"error: {named}");
            return code;
        }
        catch (Exception exception)
        {
            context.Error.WriteLine($"error: internal error ({exception.GetType().Name}): {exception.Message} This is a bug in bugcheck.");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>The exit code of a failure a user can cause, or null for a bug.</summary>
    public static int? ExitCodeOf(Exception exception) => exception switch
    {
        InvalidDumpException or InvalidImageException => ExitCodes.InvalidDump,
        ScenarioException or UsageException => ExitCodes.Usage,
        FileNotFoundException or DirectoryNotFoundException or UnauthorizedAccessException => ExitCodes.Usage,
        _ => null,
    };

    /// <summary>
    /// Writes a --json document: the data asked for, so --quiet keeps it (it drops tables, summaries and progress). It is
    /// written as it is serialized, in pieces: a lazy list in the document (enumtag's tags) is never whole in memory.
    /// </summary>
    public static void WriteJson<T>(CliContext context, T document, JsonTypeInfo<T> type)
    {
        var readable = type.Options.TypeInfoResolver switch
        {
            ForensicsJsonContext => (JsonTypeInfo<T>)s_forensicsJson.GetTypeInfo(typeof(T))!,
            _ => (JsonTypeInfo<T>)s_cliJson.GetTypeInfo(typeof(T))!,
        };
        using (var stream = new TextWriterStream(context.Out))
        {
            JsonSerializer.Serialize(stream, document, readable);
        }

        context.Out.WriteLine();
    }

    /// <summary>
    /// Checks that <paramref name="path"/> is a regular file with content, before anything opens it: a directory, a link
    /// loop, and whatever has no size — a FIFO (whose open would block), a device such as /dev/zero (endless), a socket,
    /// a /proc file, an empty file — are refused in one line.
    /// </summary>
    public static string ExistingFile(string path, string what = "<file>")
    {
        if (path.Length == 0)
        {
            throw new UsageException($"{what} is an empty path; give a file.");
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"{what} \"{path}\" is a directory, not a file.");
        }

        long length;
        try
        {
            length = RegularFile.ContentLength(path) ?? throw new UsageException($"{what} \"{path}\" does not exist.");
        }
        catch (IOException exception)
        {
            throw new UsageException($"{what} \"{path}\" cannot be opened: {exception.Message}", exception);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new UsageException($"{what} \"{path}\" cannot be opened: access is denied.", exception);
        }

        return length > 0 ? path : throw new UsageException($"{what} \"{path}\" {RegularFile.NotRegular}; only regular files are read.");
    }

    /// <summary>Checks, before any work, that <paramref name="path"/> can be created: not a directory, in a folder that exists.</summary>
    public static string WritableFile(string option, string path)
    {
        if (path.Length == 0)
        {
            throw new UsageException($"{option} is an empty path; give a file path.");
        }

        if (Directory.Exists(path))
        {
            throw new UsageException($"{option} \"{path}\" is a directory; give a file path.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(path));
        return folder is null || Directory.Exists(folder) ? path : throw new UsageException($"{option} \"{path}\": the folder \"{folder}\" does not exist.");
    }

    /// <summary>Checks that <paramref name="path"/> can be a folder to write into: not a file; created by the caller's writer.</summary>
    public static string WritableFolder(string option, string path)
    {
        if (path.Length == 0)
        {
            throw new UsageException($"{option} is an empty path; give a folder.");
        }

        if (File.Exists(path))
        {
            throw new UsageException($"{option} \"{path}\" is a file; it must be a folder (or not exist).");
        }

        return path;
    }

    private static void CustomizeHelp(RootCommand root)
    {
        var help = root.Options.OfType<HelpOption>().Single();
        help.Action = new HelpWithExamples((HelpAction)help.Action!);
    }

    private static void WriteExamplesAndExitCodes(Command command, TextWriter output)
    {
        if (Examples.TryGetValue(command, out var examples))
        {
            output.WriteLine("Examples:");
            foreach (var example in examples)
            {
                output.WriteLine($"  {example}");
            }

            output.WriteLine();
        }

        output.WriteLine("Exit codes:");
        foreach (var line in s_exitCodes)
        {
            output.WriteLine($"  {line}");
        }

        output.WriteLine();
        output.WriteLine($"Numbers are read as WinDbg reads them: {NumberText.Forms}.");
    }

    /// <summary>The standard help, then the command's examples, the exit codes and the number forms.</summary>
    private sealed class HelpWithExamples(HelpAction standard) : SynchronousCommandLineAction
    {
        public override bool ClearsParseErrors => true;

        public override int Invoke(ParseResult parseResult)
        {
            var exit = standard.Invoke(parseResult);
            WriteExamplesAndExitCodes(parseResult.CommandResult.Command, parseResult.InvocationConfiguration.Output);
            return exit;
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
