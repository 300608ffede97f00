using System.CommandLine;
using System.Runtime.CompilerServices;

namespace BugCheckCallbacks.Cli;

/// <summary>
/// The examples each command's --help shows. Every run builds its own commands, and parallel runs (the CLI tests) write
/// here at once: a weak table is safe for that, and forgets a run's commands with the run.
/// </summary>
internal sealed class CommandExamples
{
    private readonly ConditionalWeakTable<Command, string[]> _examples = [];

    public string[] this[Command command]
    {
        get => _examples.TryGetValue(command, out var examples) ? examples : [];
        set => _examples.AddOrUpdate(command, value);
    }

    public bool TryGetValue(Command command, out string[] examples) => _examples.TryGetValue(command, out examples!);
}
