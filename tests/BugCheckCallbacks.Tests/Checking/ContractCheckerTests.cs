using BugCheckCallbacks.Checking;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Checking;

/// <summary>The contract checker: one faulty callback per mistake the verifier knows, clean callbacks per reason, seeds and replay.</summary>
[Collection(ManyBugChecks.Name)]
public sealed class ContractCheckerTests
{
    private const ulong KernelVa = 0xFFFF800000000000;

    // Made before any call, as a driver makes its buffers at DriverEntry: a callback must not allocate them.
    private readonly Guid _tag = Guid.Parse("5d6c1f0e-2b3a-4c59-8e7d-6f5a4b3c2d1e");
    private readonly byte[] _log = new byte[64];
    private readonly byte[] _garbage = new byte[1];
    private readonly TriageDumpDataArray _array = new(0x100);
    private readonly TriageDumpDataArray _tinyArray = new(TriageDumpDataArray.MinimumSize);

    // InvalidPointer is about raw pointers only native routines hand back: NativeDriverTests has the driver that commits it.
    public static TheoryData<ViolationKind> EveryKind() => [.. VerifierRules.All.Where(kind => kind != ViolationKind.InvalidPointer)];

    [Theory]
    [MemberData(nameof(EveryKind))]
    public void The_checker_finds_each_mistake_the_verifier_knows_with_a_clear_message(ViolationKind kind)
    {
        using var release = new ManualResetEventSlim();
        var result = CheckFaulty(kind, release);
        release.Set(); // lets a hung callback's thread finish

        result.Kinds.Should().Contain(kind, because: result.ToString());
        var finding = result.Findings.First(f => f.Violation.Kind == kind);
        finding.Violation.Component.Should().Be("checked.sys");
        finding.ToString().Should().StartWith($"{VerifierRules.GetCode(kind)} {kind} (").And.Contain(" — in ").And.Contain(finding.Situation.DumpType + " dump");
        result.ToString().Should().Contain($"{VerifierRules.GetCode(kind)} {kind} in ");
        result.IsClean.Should().BeFalse();
    }

    /// <summary>A routine that writes when offered room (within MaximumAllowed) and never answers the size query.</summary>
    private BugCheckReasonCallback<SecondaryDumpData> NeverSizes(Guid tag) => (_, d) =>
    {
        if (!d.IsSizeQuery)
        {
            d.Guid = tag;
            d.SetOutput(_log.AsMemory(0, (int)Math.Min((uint)_log.Length, d.MaximumAllowed)));
        }
    };

    [Fact]
    public void A_routine_that_never_answers_the_size_query_still_has_its_data_pass_checked()
    {
        // Offered 0 in every real data pass, its missing GUID never showed: 81 situations, "no violations".
        var untagged = ContractChecker.Check<SecondaryDumpData>(NeverSizes(Guid.Empty), Fast());
        untagged.Kinds.Should().Equal([ViolationKind.MissingGuid, ViolationKind.DataNeverSized], untagged.ToString());
        untagged.Findings.Should().Contain(f => f.Violation.Kind == ViolationKind.MissingGuid && f.Situation.IgnoreSizingAnswer);
        untagged.ToString().Should().Contain("the data pass offered the whole budget whatever the sizing answer");

        // One fixed GUID for every device: two records writing it collide.
        var shared = ContractChecker.CheckEachInstance(() => NeverSizes(_tag), Fast());
        shared.Kinds.Should().Equal([ViolationKind.DuplicateGuid, ViolationKind.DataNeverSized], shared.ToString());
        shared.Findings.First(f => f.Violation.Kind == ViolationKind.DuplicateGuid).Situation.Name.Should().Be("two instances, sizing answers ignored");
    }

    [Fact]
    public void A_routine_with_nothing_to_say_is_not_a_routine_that_never_sizes()
    {
        var silent = ContractChecker.Check<SecondaryDumpData>((_, _) => { }, Fast());

        silent.IsClean.Should().BeTrue(silent.ToString());
    }

    [Fact]
    public void A_secondary_data_callback_that_keeps_the_contract_is_clean_in_every_situation()
    {
        var result = ContractChecker.Check<SecondaryDumpData>(
            (_, d) =>
            {
                if (d.IsSizeQuery)
                {
                    d.OutBufferLength = (uint)_log.Length;
                }
                else if (d.MaximumAllowed >= _log.Length)
                {
                    d.Guid = _tag;
                    d.SetOutput(_log);
                }
            },
            new ContractCheckOptions { IncludeSecondInstance = false });

        result.IsClean.Should().BeTrue(result.ToString());
        result.Situations.Select(s => s.Name).Should().Contain(["defaults", "after a faulting callback", "MaximumAllowed 0", "MaximumAllowed tiny", "MaximumAllowed exact", "MaximumAllowed one step short", "no InBuffer", "tiny InBuffer"]);
        result.Situations.Where(s => s.Name == "MaximumAllowed exact").Should().OnlyContain(s => s.MaximumAllowed == 64);
        result.Situations.Select(s => s.DumpType).Distinct().Should().HaveCount(7);
        result.Situations.Should().HaveCount((9 * 7) + 32, "8 fixed and sized situations and the data pass with the sizing answer ignored, on 7 dump types; 32 generated");
        result.Situations.Should().Contain(s => s.Name == "MaximumAllowed large, sizing answer ignored" && s.IgnoreSizingAnswer);
        result.ToString().Should().EndWith("no violations.");
    }

    [Fact]
    public void CheckEachInstance_gives_every_record_a_callback_of_its_own()
    {
        // A per-device driver: each device tags its log with its own GUID. Registered twice with one shared routine, the
        // two records write one tag; with a routine per instance, they write two.
        BugCheckReasonCallback<SecondaryDumpData> Device(Guid tag) => (_, d) =>
        {
            if (d.IsSizeQuery)
            {
                d.OutBufferLength = (uint)_log.Length;
            }
            else if (d.MaximumAllowed >= _log.Length)
            {
                d.Guid = tag;
                d.SetOutput(_log);
            }
        };

        var shared = ContractChecker.Check(Device(_tag), Fast());
        var created = 0;
        var each = ContractChecker.CheckEachInstance(() => { Interlocked.Increment(ref created); return Device(Guid.NewGuid()); }, Fast());

        shared.Kinds.Should().Equal([ViolationKind.DuplicateGuid], "one routine, one tag, two records");
        each.IsClean.Should().BeTrue(each.ToString());
        created.Should().Be(each.Situations.Sum(s => s.Instances), "one routine per record of every situation");
        var replay = ContractChecker.ReplayEachInstance(() => Device(Guid.NewGuid()), shared.Findings[0].Situation, Fast());
        replay.IsClean.Should().BeTrue("the situation that caught the shared routine passes with a routine per instance");
        FluentActions.Invoking(() => ContractChecker.CheckEachInstance<SecondaryDumpData>(null!)).Should().Throw<ArgumentNullException>().WithParameterName("createInstance");
        FluentActions.Invoking(() => ContractChecker.CheckEachInstance<SecondaryDumpData>(() => null!, Fast())).Should().Throw<InvalidOperationException>().WithMessage("*createInstance returned null*");
    }

    [Fact]
    public void A_finding_names_the_MaximumAllowed_its_own_call_was_offered()
    {
        var result = ContractChecker.Check<SecondaryDumpData>(
            (_, d) =>
            {
                if (d.IsSizeQuery)
                {
                    d.OutBufferLength = 0x100;
                }
                else
                {
                    d.Guid = Guid.NewGuid();
                    d.SetOutput(new byte[d.MaximumAllowed + 1]); // one byte too many, whatever it is offered
                }
            },
            Fast());

        var exceeds = result.Findings.Where(f => f.Violation.Kind == ViolationKind.OutputExceedsMaximumAllowed).ToList();
        exceeds.Should().NotBeEmpty().And.OnlyContain(f => f.OfferedMaximumAllowed != null);
        exceeds.Should().OnlyContain(f => f.Violation.Detail.Contains($"MaximumAllowed 0x{f.OfferedMaximumAllowed:X}", StringComparison.Ordinal), "the number the call saw is the one its violation names");
        var second = exceeds.FirstOrDefault(f => f.Situation.MaximumAllowed is { } first && f.OfferedMaximumAllowed != first);
        second.Should().NotBeNull("in a two-instance situation the second record is offered what the first left");
        second!.ToString().Should().Contain("this instance was offered MaximumAllowed");
    }

    [Fact]
    public void A_multi_part_callback_that_keeps_the_contract_is_clean_in_every_situation()
    {
        var result = ContractChecker.Check<SecondaryDumpDataEx>(
            (_, d) =>
            {
                if (d.MaximumAllowed < 16)
                {
                    return;
                }

                d.Guid = _tag;
                d.SetOutput(_log.AsMemory(16 * (int)d.Context, 16));
                d.Context++;
                d.Flags = d.Context < 3 ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
            },
            new ContractCheckOptions { IncludeSecondInstance = false });

        result.IsClean.Should().BeTrue(result.ToString());
        result.Situations.Should().Contain(s => s.Name == "MaximumAllowed exact" && s.MaximumAllowed == 16);
    }

    [Fact]
    public void Page_triage_DumpIo_and_Reserved1_callbacks_that_keep_the_contract_are_clean()
    {
        _array.Initialize(0x100).Should().Be(NtStatus.Success);
        _array.AddBlock(KernelVa, 0x100);

        var add = ContractChecker.Check<AddPagesData>((_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.VirtualAddress, KernelVa, 1));
        var remove = ContractChecker.Check<RemovePagesData>((_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.PhysicalAddress, 0x100000, 1));
        var triage = ContractChecker.Check<TriageDumpData>((_, d) => d.DataArray = d.MaxVirtMemSize >= _array.DataSize ? _array : null);
        var io = ContractChecker.Check<DumpIoData>((_, d) => _garbage[0] ^= d.Buffer.IsEmpty ? (byte)0 : d.Buffer.Span[0]);
        var entry = ContractChecker.CheckReserved1(_ => _garbage[0]++);

        foreach (var result in new[] { add, remove, triage, io, entry })
        {
            result.IsClean.Should().BeTrue(result.ToString());
        }

        add.Situations.Select(s => s.DumpType).Distinct().Should().BeEquivalentTo([DumpType.Full, DumpType.Summary, DumpType.BitmapFull, DumpType.BitmapKernel, DumpType.Automatic]);
        triage.Situations.Select(s => s.DumpType).Distinct().Should().BeEquivalentTo([DumpType.Triage, DumpType.Automatic]);
        triage.Situations.Should().Contain(s => s.TriageMaxVirtMemSize == 0);
        io.Situations.Should().Contain(s => s.SequentialDumpIo);
    }

    [Fact]
    public void The_same_seed_generates_the_same_situations_and_another_seed_others()
    {
        BugCheckReasonCallback<SecondaryDumpData> callback = (_, _) => { };

        var first = ContractChecker.Check(callback, new ContractCheckOptions { Seed = 42, GeneratedSituations = 10 });
        var again = ContractChecker.Check(callback, new ContractCheckOptions { Seed = 42, GeneratedSituations = 10 });
        var other = ContractChecker.Check(callback, new ContractCheckOptions { Seed = 43, GeneratedSituations = 10 });

        again.Situations.Should().Equal(first.Situations);
        other.Situations.Should().NotEqual(first.Situations);
        first.Situations.Where(s => s.Name.StartsWith("generated", StringComparison.Ordinal)).Should().HaveCount(10).And.OnlyContain(s => s.Name.EndsWith("(seed 42)", StringComparison.Ordinal));
        first.Seed.Should().Be(42);
    }

    [Fact]
    public void Replay_of_a_finding_situation_reproduces_its_violation_alone()
    {
        BugCheckReasonCallback<SecondaryDumpData> ignoresMaximum = (_, d) =>
        {
            d.Guid = _tag;
            d.SetOutput(_log);
        };
        var finding = ContractChecker.Check(ignoresMaximum, new ContractCheckOptions { GeneratedSituations = 0 })
            .Findings.First(f => f.Violation.Kind == ViolationKind.OutputExceedsMaximumAllowed);

        var replay = ContractChecker.Replay(ignoresMaximum, finding.Situation);

        replay.Situations.Should().Equal(finding.Situation);
        replay.Findings.Select(f => f.Violation).Should().Contain(finding.Violation);
    }

    [Fact]
    public void A_hanging_callback_stops_the_check_and_lists_the_situations_not_run()
    {
        using var release = new ManualResetEventSlim();

        var result = ContractChecker.CheckReserved1(_ => release.Wait(), Fast(hangTimeout: TimeSpan.FromMilliseconds(200)));
        release.Set();

        result.Situations.Should().ContainSingle();
        result.NotRun.Should().NotBeEmpty();
        result.Kinds.Should().Equal(ViolationKind.CallbackHung);
        result.ToString().Should().Contain("not run: the callback hung");
    }

    [Fact]
    public void The_other_drivers_a_situation_adds_are_not_reported_as_the_callbacks_violations()
    {
        var result = ContractChecker.CheckReserved1(_ => { }, new ContractCheckOptions { GeneratedSituations = 0 });

        result.Situations.Should().Contain(s => s.FaultBefore);
        result.Findings.Should().BeEmpty();
    }

    [Theory]
    [InlineData(CallbackOrder.NewestFirst)]
    [InlineData(CallbackOrder.OldestFirst)]
    public void After_a_faulting_callback_means_called_after_it_in_either_order(CallbackOrder order)
    {
        var afterFault = 0;
        var result = ContractChecker.CheckReserved1(
            _ =>
            {
                // The peer is Incomplete once it has been called and faulted.
                foreach (var other in SimulatedKernel.Current!.Callbacks.GetCallbacks(BugCheckCallbackReason.Reserved1))
                {
                    afterFault += other.State == BufferDumpState.Incomplete ? 1 : 0;
                }
            },
            new ContractCheckOptions { GeneratedSituations = 0, Simulation = new SimulationOptions { Order = order, DetectAllocations = false } }); // GetCallbacks copies the list

        result.IsClean.Should().BeTrue(result.ToString());
        afterFault.Should().Be(result.Situations.Count(s => s.FaultBefore)).And.BePositive();
    }

    [Fact]
    public void Check_rejects_a_structure_that_is_not_one_reasons()
    {
        var act = () => ContractChecker.Check<PageRangeData>((_, _) => { });

        act.Should().Throw<ArgumentException>().WithParameterName("TData").WithMessage("PageRangeData is not the structure of one reason*");
    }

    [Theory]
    [InlineData(BugCheckCallbackReason.Invalid)]
    [InlineData(BugCheckCallbackReason.Reserved2)]
    public void CheckRoutine_rejects_a_reason_the_kernel_does_not_dispatch(BugCheckCallbackReason reason)
    {
        var act = () => ContractChecker.CheckRoutine(reason, (_, _, _) => { });

        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("reason");
    }

    [Fact]
    public void Replay_rejects_a_situation_of_another_reason_or_out_of_range()
    {
        BugCheckReasonCallback<AddPagesData> callback = (_, _) => { };

        var otherReason = () => ContractChecker.Replay(callback, new ContractSituation(BugCheckCallbackReason.DumpIo, DumpType.Full, "x"));
        var noInstances = () => ContractChecker.Replay(callback, new ContractSituation(BugCheckCallbackReason.AddPages, DumpType.Full, "x") { Instances = 0 });
        var badDumpType = () => ContractChecker.Replay(callback, new ContractSituation(BugCheckCallbackReason.AddPages, DumpType.Unknown, "x"));

        otherReason.Should().Throw<ArgumentException>().WithParameterName("situation").WithMessage("*DumpIo*AddPages*");
        noInstances.Should().Throw<ArgumentException>().WithParameterName("situation").WithMessage("Instances 0*");
        badDumpType.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("situation");
    }

    [Fact]
    public void Invalid_options_are_rejected_by_name()
    {
        var negative = () => ContractChecker.CheckReserved1(_ => { }, new ContractCheckOptions { GeneratedSituations = -1 });
        var badSimulation = () => ContractChecker.CheckReserved1(_ => { }, new ContractCheckOptions { Simulation = new SimulationOptions { RepeatCallBudget = 0 } });

        negative.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("GeneratedSituations");
        badSimulation.Should().Throw<ArgumentException>().WithMessage("*RepeatCallBudget 0*");
    }

    [Fact]
    public void A_situation_describes_every_input_that_differs_from_the_defaults()
    {
        var plain = new ContractSituation(BugCheckCallbackReason.SecondaryDumpData, DumpType.Full, "defaults");
        var full = plain with
        {
            Name = "everything",
            MaximumAllowed = 8,
            InBufferSize = 16,
            TriageMaxVirtMemSize = 0x1000,
            SequentialDumpIo = true,
            FaultBefore = true,
            Instances = 2,
            BugCheckCode = 0xD1,
            BugCheckParameter1 = 1,
        };

        plain.ToString().Should().Be("defaults: Full dump");
        full.ToString().Should().Be("everything: Full dump, STOP 0x000000D1 (0x1, 0x0, 0x0, 0x0), MaximumAllowed 0x8, InBufferLength 0x10, MaxVirtMemSize 0x1000, sequential DumpIo offsets, after another driver's callback faulted, registered 2 times (one record per device)");
    }

    private static ContractCheckOptions Fast(TimeSpan? hangTimeout = null, TimeSpan? callTimeBudget = null) => new()
    {
        GeneratedSituations = 4,
        Simulation = new SimulationOptions
        {
            HangTimeout = hangTimeout ?? TimeSpan.FromSeconds(5),
            CallTimeBudget = callTimeBudget ?? TimeSpan.FromMilliseconds(250),
        },
    };

    /// <summary>A callback that makes exactly the mistake <paramref name="kind"/> names, checked with the default table.</summary>
    private ContractCheckResult CheckFaulty(ViolationKind kind, ManualResetEventSlim release) => kind switch
    {
        ViolationKind.CallbackThrew => ContractChecker.CheckReserved1(_ => throw new InvalidOperationException("driver bug"), Fast()),
        ViolationKind.TimeBudgetExceeded => ContractChecker.CheckReserved1(_ => Thread.Sleep(30), Fast(callTimeBudget: TimeSpan.FromMilliseconds(5)) with { GeneratedSituations = 0 }),
        ViolationKind.AllocatedMemory => ContractChecker.CheckReserved1(_ => _garbage[0] = (byte)new byte[100].Length, Fast()),
        ViolationKind.OutputExceedsMaximumAllowed => ContractChecker.Check<SecondaryDumpData>((_, d) => { d.Guid = _tag; d.SetOutput(_log); }, Fast()),
        ViolationKind.OutputLengthExceedsBuffer => ContractChecker.Check<SecondaryDumpData>((_, d) => { d.Guid = _tag; d.OutBuffer = _log.AsMemory(0, 8); d.OutBufferLength = 16; }, Fast()),
        ViolationKind.MissingGuid => ContractChecker.Check<SecondaryDumpData>((_, d) => d.SetOutput(_log.AsMemory(0, 8)), Fast()),
        ViolationKind.DuplicateGuid => ContractChecker.Check<SecondaryDumpData>((_, d) => { d.Guid = _tag; d.SetOutput(_log.AsMemory(0, 8)); }, Fast()),
        ViolationKind.InvalidAddressFlags => ContractChecker.Check<AddPagesData>((_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.VirtualAddress | PageRangeFlags.PhysicalAddress, KernelVa, 1), Fast()),
        ViolationKind.ZeroPageCount => ContractChecker.Check<AddPagesData>((_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.VirtualAddress, KernelVa, 0), Fast()),
        ViolationKind.RangeOutsideMemoryMap => ContractChecker.Check<AddPagesData>((_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.PhysicalAddress, 0x80000000, 1), Fast()),
        ViolationKind.RepeatProtocolNeverEnds => ContractChecker.Check<AddPagesData>((_, d) => (d.Flags, d.Address, d.Count) = (PageRangeFlags.VirtualAddress | PageRangeFlags.AdditionalRangesExist, KernelVa, 1), Fast()),
        ViolationKind.TriageBlocksExceedMaxVirtMemSize => ContractChecker.Check<TriageDumpData>(
            (_, d) =>
            {
                _array.Initialize(0x100);
                _array.AddBlock(KernelVa, 0x2000);
                d.DataArray = _array;
            },
            Fast()),
        ViolationKind.TriageArrayOverflow => ContractChecker.Check<TriageDumpData>(
            (_, d) =>
            {
                _tinyArray.Initialize(TriageDumpDataArray.MinimumSize);
                _tinyArray.AddBlock(KernelVa, 0x100);
                _tinyArray.AddBlock(KernelVa + 0x1000, 0x100);
                d.DataArray = _tinyArray;
            },
            Fast()),
        ViolationKind.MultiPartNoProgress => ContractChecker.Check<SecondaryDumpDataEx>((_, d) => d.Flags = SecondaryDataFlags.AdditionalData, Fast()),
        ViolationKind.NestedBugCheck => ContractChecker.CheckReserved1(_ => SimulatedKernel.Current!.KeBugCheckEx(0xDEAD), Fast()),
        ViolationKind.CallbackHung => ContractChecker.CheckReserved1(_ => release.Wait(), Fast(hangTimeout: TimeSpan.FromMilliseconds(200))),
        ViolationKind.DataNeverSized => ContractChecker.Check<SecondaryDumpData>(NeverSizes(_tag), Fast()),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "A kind this test has no faulty callback for: add one."),
    };
}
