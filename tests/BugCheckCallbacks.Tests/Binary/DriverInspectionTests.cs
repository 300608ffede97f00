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
        if (inspection.Findings.SingleOrDefault(f => !f.IsForensic) is { } finding)
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
    }
}
