using System.CommandLine;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Cli.Reading;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck enumtag FILE...</c>: the debugger's <c>.enumtag</c> for kernel dumps and bare DumpBlob regions.</summary>
internal static class EnumTagCommand
{
    public static Command Create(CliContext context)
    {
        var files = new Argument<string[]>("file") { Description = "x64 kernel dumps (types 1, 5, 6, and 8, 9, 10 from the debugger's .dump) or bare DumpBlob regions; several files or a pattern (*.dmp).", Arity = ArgumentArity.OneOrMore };
        var command = new Command("enumtag", "List the secondary-data tags of each file: GUID, friendly name, size, file offset and, from the outcome report beside a simulated dump, the owner.");
        command.Arguments.Add(files);
        ParseErrorMessage.RefuseOptionsAsFiles(command, files);
        var json = BugCheckCli.JsonOption();
        command.Options.Add(json);
        BugCheckCli.Examples[command] = ["bugcheck enumtag crash.dmp", "bugcheck enumtag *.dmp --json | jq '.files[].tags[].tag'"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            var paths = DumpFiles.Expand(parse.GetValue(files)!);
            if (parse.GetValue(json))
            {
                return DumpFiles.RunJson(
                    context,
                    paths,
                    (path, file) =>
                    {
                        using var source = DumpSource.Open(path, file.Error);
                        return new JsonTagsFile(path, source.Dump is null ? "DumpBlob region" : "kernel dump", source.Blobs?.BuildNumber, source.Blobs is null ? [] : LazyTags(path), null);
                    },
                    (path, error) => new JsonTagsFile(path, null, null, null, error),
                    entries => BugCheckCli.WriteJson(context, new JsonTagsDocument(CliJson.SchemaVersion, "enumtag", [.. entries]), CliJsonContext.Default.JsonTagsDocument));
            }

            return DumpFiles.RunText(context, paths, parse.GetValue(BugCheckCli.NoColor), (path, file) => DumpSource.Open(path, file.Error), static (console, _, source) =>
            {
                if (source.Blobs is null)
                {
                    console.WriteLine("No secondary-data region: no DumpBlob header follows the dump's body.");
                    return;
                }

                var table = TagsTable.Of(source);
                table.Render(console);
                console.WriteLine($"{table.Count} tag(s); DumpBlob build {source.Blobs.BuildNumber}.");
            });
        }));
        return command;
    }

    /// <summary>The tags of a file that opened once already, read again as the JSON is written: none is held, a million stream.</summary>
    private static IEnumerable<JsonTag> LazyTags(string path)
    {
        using var source = DumpSource.Open(path);
        foreach (var view in source.DescribeTags())
        {
            yield return CliJson.Tag(view);
        }
    }
}
