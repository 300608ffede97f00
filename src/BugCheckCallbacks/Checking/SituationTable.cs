using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace BugCheckCallbacks.Checking;

/// <summary>The situations the contract allows for one reason: a fixed table over every dump type that dispatches it, and generated ones from a seed.</summary>
internal static class SituationTable
{
    private const uint Tiny = 8;

    /// <summary>The table's situations that need nothing learned from the callback, the first being the plain one on the first dump type.</summary>
    public static List<ContractSituation> Fixed(BugCheckCallbackReason reason, ContractCheckOptions options)
    {
        var dumpTypes = DumpTypesOf(reason);
        var table = new List<ContractSituation>();
        Add("defaults", s => s);
        Add("after a faulting callback", s => s with { FaultBefore = true });
        if (IsSecondary(reason))
        {
            Add("MaximumAllowed 0", s => s with { MaximumAllowed = 0 });
            Add("MaximumAllowed tiny", s => s with { MaximumAllowed = Tiny });
            Add("no InBuffer", s => s with { InBufferSize = 0 });
            Add("tiny InBuffer", s => s with { InBufferSize = 16 });
            if (options.IncludeSecondInstance)
            {
                Add("two instances", s => s with { Instances = 2 });
            }

            if (reason == BugCheckCallbackReason.SecondaryDumpData)
            {
                // The data pass, whatever the sizing answer: a routine that answers 0 is otherwise offered 0 in every
                // data pass, and its MissingGuid or DuplicateGuid never shows.
                Add("MaximumAllowed large, sizing answer ignored", s => s with { IgnoreSizingAnswer = true });
                if (options.IncludeSecondInstance)
                {
                    Add("two instances, sizing answers ignored", s => s with { IgnoreSizingAnswer = true, Instances = 2 });
                }
            }
        }

        if (reason == BugCheckCallbackReason.TriageDumpData)
        {
            Add("MaxVirtMemSize one page", s => s with { TriageMaxVirtMemSize = 0x1000 });
            Add("MaxVirtMemSize 0", s => s with { TriageMaxVirtMemSize = 0 });
        }

        if (reason == BugCheckCallbackReason.DumpIo)
        {
            Add("sequential offsets", s => s with { SequentialDumpIo = true });
        }

        return table;

        void Add(string name, Func<ContractSituation, ContractSituation> shape)
        {
            foreach (var dumpType in dumpTypes)
            {
                table.Add(shape(new ContractSituation(reason, dumpType, name)));
            }
        }
    }

    /// <summary>
    /// The situations that offer exactly what the callback asked for in the plain situation (<paramref name="asked"/> bytes
    /// in its sizing pass or first part), and one alignment step less.
    /// </summary>
    public static IEnumerable<ContractSituation> Sized(BugCheckCallbackReason reason, ulong asked)
    {
        if (!IsSecondary(reason) || asked == 0 || asked > uint.MaxValue - 7)
        {
            yield break;
        }

        var exact = (uint)((asked + 7) & ~7UL); // a budget's MaximumAllowed is a multiple of 8 (the region is 8-byte aligned)
        foreach (var dumpType in DumpTypesOf(reason))
        {
            yield return new ContractSituation(reason, dumpType, "MaximumAllowed exact") { MaximumAllowed = exact };
            yield return new ContractSituation(reason, dumpType, "MaximumAllowed one step short") { MaximumAllowed = exact - 8 };
        }
    }

    /// <summary>Situations drawn at random from the options' seed: the same seed, the same situations.</summary>
    [SuppressMessage("Security", "CA5394:Do not use insecure randomness", Justification = "A seeded, reproducible generator is the point: the same seed replays the same situations.")]
    public static IEnumerable<ContractSituation> Generated(BugCheckCallbackReason reason, ContractCheckOptions options, ulong asked)
    {
        var random = new Random(options.Seed);
        var dumpTypes = DumpTypesOf(reason);
        var largest = (int)Math.Min(2 * asked + 64, 1 << 20);
        for (var i = 1; i <= options.GeneratedSituations; i++)
        {
            var situation = new ContractSituation(reason, dumpTypes[random.Next(dumpTypes.Length)], string.Create(CultureInfo.InvariantCulture, $"generated #{i} (seed {options.Seed})"))
            {
                BugCheck = new((uint)random.NextInt64(1, 0x1_0000_0000), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64(), (ulong)random.NextInt64()),
                FaultBefore = random.Next(4) == 0,
            };
            if (IsSecondary(reason))
            {
                situation = situation with
                {
                    MaximumAllowed = random.Next(4) == 0 ? null : (uint)random.Next(largest + 1) & ~7u,
                    InBufferSize = random.Next(3) switch { 0 => 0, 1 => random.Next(1, 8193), _ => SecondaryDumpData.DefaultInBufferLength },
                    Instances = options.IncludeSecondInstance && random.Next(4) == 0 ? 2 : 1,
                };
            }
            else if (reason == BugCheckCallbackReason.TriageDumpData)
            {
                situation = situation with { TriageMaxVirtMemSize = (uint)random.Next(0x200001) };
            }
            else if (reason == BugCheckCallbackReason.DumpIo)
            {
                situation = situation with { SequentialDumpIo = random.Next(2) == 0 };
            }

            yield return situation;
        }
    }

    public static bool IsSecondary(BugCheckCallbackReason reason) =>
        reason is BugCheckCallbackReason.SecondaryDumpData or BugCheckCallbackReason.SecondaryMultiPartDumpData;

    private static DumpType[] DumpTypesOf(BugCheckCallbackReason reason) =>
        Array.FindAll(DumpTypes.Written, dumpType => DumpTypes.Dispatches(dumpType, reason));
}
