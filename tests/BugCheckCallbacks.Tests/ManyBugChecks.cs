namespace BugCheckCallbacks.Tests;

/// <summary>
/// Tests that run hundreds of bug checks (the contract checker) or native routines that spin on purpose run alone: each
/// bug check takes the process-wide no-GC region and its threads keep both cores busy, which can charge a phantom
/// allocation or a missed time budget to a callback a parallel test measures (docs/verifier.md, BCV0002 and BCV0003).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ManyBugChecks
{
    public const string Name = "Many bug checks";
}
