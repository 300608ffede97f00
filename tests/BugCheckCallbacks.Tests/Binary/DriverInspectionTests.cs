using BugCheckCallbacks.Binary;
using BugCheckCallbacks.Tests.Native.Windows;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary>
/// <see cref="DriverInspection"/>'s findings on real kernel-mode images built from Binary/Fixtures/clean_driver.c: the
/// clean build has no defect (and the two flags an analyst wants for its RemovePages and DumpIo registrations); each
/// DEFECT_* build has exactly its one defect, at -O0 and -O2.
/// </summary>
public sealed class DriverInspectionTests
{
    public static TheoryData<string?, InspectionFindingKind?, string> Builds()
    {
        var builds = new TheoryData<string?, InspectionFindingKind?, string>();
        foreach (var optimisation in new[] { "-O0", "-O2" })
        {
            builds.Add(null, null, optimisation);
            builds.Add("DEFECT_INIT_CALLBACK", InspectionFindingKind.CallbackInDiscardableSection, optimisation);
            builds.Add("DEFECT_PAGED_CALLBACK", InspectionFindingKind.CallbackInPageableSection, optimisation);
            builds.Add("DEFECT_PAGED_RECORD", InspectionFindingKind.RecordInPageableSection, optimisation);
            builds.Add("DEFECT_IGNORED_RESULT", InspectionFindingKind.RegistrationResultIgnored, optimisation);
            builds.Add("DEFECT_NOT_DEREGISTERED", InspectionFindingKind.NeverDeregistered, optimisation);
            builds.Add("DEFECT_ALLOCATES", InspectionFindingKind.ReachesForbiddenRoutine, optimisation);
            builds.Add("DEFECT_WAITS", InspectionFindingKind.ReachesForbiddenRoutine, optimisation);
            builds.Add("DEFECT_STACK_RECORD", InspectionFindingKind.RecordOnStack, optimisation);
        }

        return builds;
    }

    [MingwTheory]
    [MemberData(nameof(Builds))]
    public void Each_build_has_exactly_its_defect_and_the_analysts_two_flags(string? defect, InspectionFindingKind? expected, string optimisation)
    {
        var path = InspectionFixtures.Driver("clean_driver", optimisation, defect);
        var image = DriverImage.Open(path);
        var symbols = InspectionFixtures.Symbols(path, image.ImageBase);

        var inspection = DriverInspection.Inspect(image);

        inspection.Findings.Where(f => !f.IsForensic).Select(f => f.Kind).Should().Equal(expected is { } kind ? [kind] : Array.Empty<InspectionFindingKind>());
        inspection.Findings.Where(f => f.IsForensic).Select(f => f.Kind).Should().BeEquivalentTo([InspectionFindingKind.WatchesDumpWrites, InspectionFindingKind.RemovesPagesFromDump]);
        if (inspection.Findings.SingleOrDefault(f => !f.IsForensic) is { Kind: InspectionFindingKind.ReachesForbiddenRoutine } reaches)
        {
            var (import, from, callee) = defect == "DEFECT_ALLOCATES" ? ("ExAllocatePoolWithTag", "OnAddPages", "Allocate") : ("KeDelayExecutionThread", "OnTriage", "OnTriage");
            reaches.Detail.Should().Contain($"reaches {import}").And.Contain(Place(image, symbols[from]) + " → ").And.EndWith($"{import}.");
            reaches.Rva.Should().BeInRange(symbols[callee], symbols[callee] + 0x40, "the call that reaches it is in {0}", callee);
            inspection.Reached.Should().Contain(r => r.Import.Name == import && r.Path[0] == symbols[from]);
        }
        else if (inspection.Findings.SingleOrDefault(f => !f.IsForensic) is { } finding)
        {
            var where = expected switch
            {
                InspectionFindingKind.CallbackInDiscardableSection => symbols["OnSecondary"],
                InspectionFindingKind.CallbackInPageableSection => symbols["OnDumpIo"],
                InspectionFindingKind.RecordInPageableSection => symbols["RecordAddPages"],
                InspectionFindingKind.NeverDeregistered => symbols["RecordTriage"],
                _ => finding.CallRva,
            };
            finding.Rva.Should().Be(where);
            inspection.Calls.Should().Contain(c => c.CallRva == finding.CallRva && c.IsRegistration);
        }

        inspection.UnresolvedCalls.Should().BeEmpty("the fixture's routines call nothing indirectly");
        inspection.IsWalkTruncated.Should().BeFalse();
    }

    [Fact]
    public void The_rule_table_forbids_allocations_waits_locks_and_IO_and_leaves_an_unknown_routine_unjudged()
    {
        KernelRoutineRules.For("ExAllocatePoolWithTag").Should().BeEquivalentTo(new { Forbidden = true, Code = "BCV0003" });
        KernelRoutineRules.For("KeWaitForSingleObject")!.Forbidden.Should().BeTrue();
        KernelRoutineRules.For("KeAcquireSpinLockRaiseToDpc")!.Forbidden.Should().BeTrue();
        KernelRoutineRules.For("ZwWriteFile")!.Forbidden.Should().BeTrue();
        KernelRoutineRules.For("IoCallDriver")!.Forbidden.Should().BeTrue();
        KernelRoutineRules.For("KeGetCurrentIrql")!.Forbidden.Should().BeFalse();
        KernelRoutineRules.For("KeQuerySystemTimePrecise").Should().BeNull("a routine no row names is unknown");
        KernelRoutineRules.All.Should().OnlyContain(rule => rule.Source.Length > 0 && rule.Why.Length > 0);
    }

    private static string Place(DriverImage image, uint rva) =>
        image.SectionAt(rva) is { } section ? $"{section.Name}+0x{rva - section.VirtualAddress:X}" : $"0x{rva:X}";
}
