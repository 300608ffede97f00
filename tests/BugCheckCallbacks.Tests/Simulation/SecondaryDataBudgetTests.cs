using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>
/// The secondary-data budget never blames the innocent and never loses data silently: in every mix of callbacks below,
/// each callback that kept the contract has its data in the dump or a shortfall in the outcome saying why not, and has no
/// violation; a greedy callback is accused where it over-asks (BCV0004 in the sizing pass).
/// </summary>
public sealed class SecondaryDataBudgetTests
{
    /// <summary>A callback's behaviour: the bytes it wants, and how it treats MaximumAllowed.</summary>
    public enum Kind
    {
        /// <summary>Asks MaximumAllowed + 8 in the sizing pass and writes that much: breaks the contract.</summary>
        Greedy,

        /// <summary>Asks what it wants and writes what it asked, whatever it is offered (the well-behaved driver).</summary>
        Naive,

        /// <summary>Asks and writes at most MaximumAllowed: keeps the contract whatever happens.</summary>
        Polite,

        /// <summary>A multi-part callback: three parts of what it wants, each at most MaximumAllowed.</summary>
        MultiPart,
    }

    public static TheoryData<string, uint, (Kind Kind, int Bytes)[]> Mixes() => new()
    {
        { "greedy called first", 0x10000, [(Kind.Naive, 3000), (Kind.Naive, 3000), (Kind.Greedy, 0)] }, // newest first: the last registered is called first
        { "greedy called last", 0x10000, [(Kind.Greedy, 0), (Kind.Naive, 3000), (Kind.Naive, 3000)] },
        { "greedy in the middle, polite around it", 0x10000, [(Kind.Polite, 3000), (Kind.Greedy, 0), (Kind.Polite, 3000)] },
        { "multi-part with a small budget", 0x4000, [(Kind.MultiPart, 0x100), (Kind.Naive, 3000)] },
        { "multi-part and polite in a budget too small for both", 0x1000, [(Kind.MultiPart, 0x800), (Kind.Polite, 3000)] },
        { "a hundred polite callbacks in 64 KiB", 0x10000, [.. Enumerable.Repeat((Kind.Polite, 1000), 100)] },
        { "a hundred naive callbacks after a greedy one", 0x10000, [.. Enumerable.Repeat((Kind.Naive, 1000), 100), (Kind.Greedy, 0)] },
    };

    [Theory]
    [MemberData(nameof(Mixes))]
    public void Every_callback_that_kept_the_contract_has_its_data_or_a_reason_and_no_violation(string mix, uint budget, (Kind Kind, int Bytes)[] callbacks)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { SecondaryDataBudget = budget, DetectAllocations = false });
        var tags = new Guid[callbacks.Length];
        for (var i = 0; i < callbacks.Length; i++)
        {
            tags[i] = new Guid(i + 1, 0x5ec, 0xb0d, 1, 2, 3, 4, 5, 6, 7, 8);
            Register(kernel, callbacks[i].Kind, callbacks[i].Bytes, tags[i], $"c{i:D3}.sys");
        }

        var outcome = kernel.KeBugCheckEx(0xD1, 0, 2, 0, 0, new InMemoryDumpSink());

        for (var i = 0; i < callbacks.Length; i++)
        {
            var component = $"c{i:D3}.sys";
            var violations = outcome.Violations.Where(v => v.Component == component).ToArray();
            if (callbacks[i].Kind == Kind.Greedy)
            {
                violations.Should().Contain(v => v.Kind == ViolationKind.OutputExceedsMaximumAllowed, $"{mix}: it writes more than it was offered");
                var leftShort = outcome.Shortfalls.Any(s => s.CausedBy == component);
                violations.Any(v => v.Phase == BugCheckPhase.SecondaryDataSizing).Should().Be(leftShort, $"{mix}: the over-ask is reported at its sizing call exactly when it left another callback short");
                continue;
            }

            violations.Should().BeEmpty($"{mix}: {component} kept the contract, or was short only because another over-asked");
            var landed = outcome.Blobs.Any(b => b.Tag == tags[i]);
            var explained = outcome.Shortfalls.Any(s => s.Component == component);
            (landed || explained).Should().BeTrue($"{mix}: {component}'s data is in the dump, or the outcome says why not");
        }
    }

    [Fact]
    public void A_shortfall_caused_by_a_greedy_callback_names_it_and_the_dropped_bytes()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { SecondaryDataBudget = 0x10000, DetectAllocations = false });
        Register(kernel, Kind.Naive, 3000, Guid.NewGuid(), "innocent.sys");
        Register(kernel, Kind.Greedy, 0, Guid.NewGuid(), "greedy.sys"); // newest first: called first

        var outcome = kernel.KeBugCheckEx(0xD1, 0, 2, 0, 0, new InMemoryDumpSink());

        var shortfall = outcome.Shortfalls.Single(s => s.Component == "innocent.sys");
        (shortfall.Asked, shortfall.Offered, shortfall.CausedBy).Should().Be((3000u, 0u, "greedy.sys"));
        shortfall.Why.Should().Contain("greedy.sys asked for more than MaximumAllowed").And.Contain("0xBB8 bytes were dropped");
        outcome.Shortfalls.Single(s => s.Component == "greedy.sys").CausedBy.Should().BeNull();
        outcome.Violations.Should().Contain(v => v.Component == "greedy.sys" && v.Phase == BugCheckPhase.SecondaryDataSizing && v.Detail.Contains("so innocent.sys, sized after it, was offered 0x0 of the 0xBB8", StringComparison.Ordinal));
        outcome.Violations.Should().NotContain(v => v.Component == "innocent.sys");
        outcome.ToText().Should().Contain("Offered less than asked (2):");
        BugCheckOutcome.FromJson(outcome.ToJson()).Shortfalls.Should().Equal(outcome.Shortfalls);
    }

    private static void Register(SimulatedKernel kernel, Kind kind, int bytes, Guid tag, string component)
    {
        var data = new byte[Math.Max(bytes, 0x20000)];
        if (kind == Kind.MultiPart)
        {
            kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, raw) =>
            {
                var d = (SecondaryDumpDataEx)raw!;
                var part = (int)d.Context;
                d.Guid = tag;
                d.SetOutput(data.AsMemory(0, (int)Math.Min((uint)bytes, d.MaximumAllowed)));
                d.Context = part + 1;
                d.Flags = part < 2 && d.MaximumAllowed > 0 ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
            }, BugCheckCallbackReason.SecondaryMultiPartDumpData, component).Should().BeTrue();
            return;
        }

        kernel.Callbacks.RegisterSecondaryDumpData(new BugCheckReasonCallbackRecord(), (_, d) =>
        {
            var wanted = kind switch
            {
                Kind.Greedy => d.MaximumAllowed + 8,
                Kind.Polite => Math.Min((uint)bytes, d.MaximumAllowed),
                _ => (uint)bytes,
            };
            if (d.IsSizeQuery)
            {
                d.OutBufferLength = wanted;
                return;
            }

            d.Guid = tag;
            d.SetOutput(data.AsMemory(0, (int)Math.Min(wanted, (uint)data.Length)));
        }, component).Should().BeTrue();
    }
}
