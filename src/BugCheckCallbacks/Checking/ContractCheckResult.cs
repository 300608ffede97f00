using System.Globalization;
using System.Text;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Checking;

/// <summary>Represents what <see cref="ContractChecker"/> found: every situation it ran and every violation the callback committed in them.</summary>
public sealed class ContractCheckResult
{
    internal ContractCheckResult(BugCheckCallbackReason reason, int seed, IReadOnlyList<ContractSituation> situations, IReadOnlyList<ContractSituation> notRun, IReadOnlyList<ContractFinding> findings)
    {
        Reason = reason;
        Seed = seed;
        Situations = situations;
        NotRun = notRun;
        Findings = findings;
    }

    /// <summary>Gets the reason the callback was checked for.</summary>
    public BugCheckCallbackReason Reason { get; }

    /// <summary>Gets the seed the generated situations came from.</summary>
    public int Seed { get; }

    /// <summary>Gets the situations that ran, in the order they ran.</summary>
    public IReadOnlyList<ContractSituation> Situations { get; }

    /// <summary>Gets the situations that did not run because the callback hung in an earlier one (a hung kernel is done for).</summary>
    public IReadOnlyList<ContractSituation> NotRun { get; }

    /// <summary>Gets every violation of the checked callback, in the order found; violations of the other drivers the situations add are not included.</summary>
    public IReadOnlyList<ContractFinding> Findings { get; }

    /// <summary>Gets a value indicating whether the callback kept the contract in every situation.</summary>
    public bool IsClean => Findings.Count == 0 && NotRun.Count == 0;

    /// <summary>Gets the kinds of violation found, in code order.</summary>
    public IReadOnlyList<ViolationKind> Kinds => Findings.Select(f => f.Violation.Kind).Distinct().Order().ToArray();

    /// <summary>Returns a summary: per kind found, how many situations showed it and the first finding in full.</summary>
    /// <returns>Text of one line per kind, or a line saying the callback kept the contract.</returns>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{Reason} callback, {Situations.Count} situations (seed {Seed}): ");
        if (IsClean)
        {
            return text.Append("no violations.").ToString();
        }

        text.Append(CultureInfo.InvariantCulture, $"{Findings.Count} violation(s).");
        foreach (var group in Findings.GroupBy(f => f.Violation.Kind).OrderBy(g => g.Key))
        {
            var situations = group.Select(f => f.Situation).Distinct().Count();
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {VerifierRules.GetCode(group.Key)} {group.Key} in {situations} situation(s), first: {group.First()}");
        }

        if (NotRun.Count > 0)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  {NotRun.Count} situation(s) not run: the callback hung.");
        }

        return text.ToString();
    }
}
