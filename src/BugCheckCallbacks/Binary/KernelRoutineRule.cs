namespace BugCheckCallbacks.Binary;

/// <summary>What a bug-check callback may do with one kernel routine (docs/inspect.md, "The rule table").</summary>
/// <param name="Pattern">The routine's name, or a prefix ending in <c>*</c> (<c>Zw*</c>).</param>
/// <param name="Forbidden">Whether a callback must not reach it; false: it may.</param>
/// <param name="Why">What the contract says, in a sentence.</param>
/// <param name="Code">The verifier code the simulation reports for the same act (BCV0003 for an allocation), or null where it has none.</param>
/// <param name="Source">Where the rule comes from.</param>
public sealed record KernelRoutineRule(string Pattern, bool Forbidden, string Why, string? Code, string Source)
{
    /// <summary>Gets whether <paramref name="routine"/> is the routine, or one the prefix names.</summary>
    /// <param name="routine">An imported routine's name.</param>
    /// <returns>True when the rule applies to it.</returns>
    public bool Matches(string routine) =>
        Pattern.EndsWith('*') ? routine.StartsWith(Pattern[..^1], StringComparison.Ordinal) : routine == Pattern;
}
