using System.CommandLine;
using BugCheckCallbacks.Cli.Scenarios;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary><c>bugcheck scenario</c>: the built-in scenario to start from, or the scenario format's JSON Schema.</summary>
internal static class ScenarioCommand
{
    public static Command Create(CliContext context)
    {
        var schema = new Option<bool>("--schema") { Description = "Print the JSON Schema of the scenario format instead." };
        var command = new Command("scenario", "Print the built-in scenario, to copy and edit, or the scenario format's JSON Schema.");
        command.Options.Add(schema);
        BugCheckCli.Examples[command] = ["bugcheck scenario > my-drivers.json", "bugcheck scenario --schema > scenario.schema.json"];
        command.SetAction(parse => BugCheckCli.Guard(context, () =>
        {
            context.Out.Write(parse.GetValue(schema) ? ScenarioLoader.SchemaJson : ScenarioLoader.DefaultScenarioJson); // the data asked for: --quiet keeps it

            return ExitCodes.Ok;
        }));
        return command;
    }
}
