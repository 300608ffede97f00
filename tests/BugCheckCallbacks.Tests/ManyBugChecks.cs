namespace BugCheckCallbacks.Tests;

/// <summary>
/// Tests that run hundreds of bug checks (the contract checker) or native routines that spin on purpose run alone: their
/// threads keep both cores busy, which can make a callback a parallel test times miss its time budget (BCV0002 measures
/// wall-clock time, docs/verifier.md). Allocation verdicts (BCV0003) need no such care.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ManyBugChecks
{
    public const string Name = "Many bug checks";
}
