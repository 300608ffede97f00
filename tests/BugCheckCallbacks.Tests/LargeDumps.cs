namespace BugCheckCallbacks.Tests;

/// <summary>
/// Tests that write dumps of tens of MiB run alone: their allocations make other threads' garbage collections frequent,
/// and a collection on another thread can charge a phantom allocation to a callback that a parallel test measures
/// (the residual risk docs/verifier.md describes for BCV0003).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LargeDumps
{
    public const string Name = "Large dumps";
}
