namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Represents a SecondaryDumpData callback that was offered less than its sizing answer asked for
/// (<c>KBUGCHECK_SECONDARY_DUMP_DATA.OutBufferLength</c> above <c>MaximumAllowed</c>), and why: the budget
/// (<see cref="SimulationOptions.SecondaryDataBudget"/>) ran out, or an earlier callback over-asked and took what was left.
/// Data that does not land is never silent: each such callback is reported here, whether or not it broke the contract.
/// </summary>
/// <param name="Component">The component whose callback asked.</param>
/// <param name="Asked">Its sizing answer, in bytes.</param>
/// <param name="Offered">What the kernel reserved for it: its <c>MaximumAllowed</c> in the data pass.</param>
/// <param name="Why">Why it was offered less, and what became of its data.</param>
/// <param name="CausedBy">The component whose over-ask left it short, or <see langword="null"/> when the budget did (or it over-asked itself).</param>
public sealed record SecondaryDataShortfall(string Component, uint Asked, uint Offered, string Why, string? CausedBy);
