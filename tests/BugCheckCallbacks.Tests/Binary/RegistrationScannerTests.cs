using BugCheckCallbacks.Binary;
using BugCheckCallbacks.Tests.Native.Windows;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary>
/// <see cref="RegistrationScanner"/> on real kernel-mode images, at -O0 (every argument through rax, the routine through
/// a register loaded from the import address table) and -O2 (the routine hoisted into a callee-saved register across
/// branches): every call found, every argument that is a constant recovered, and checked against nm's symbols.
/// </summary>
public sealed class RegistrationScannerTests
{
    private static readonly (BugCheckCallbackReason Reason, string Record, string Routine)[] s_clean =
    [
        (BugCheckCallbackReason.Reserved1, "RecordReserved1", "OnReserved1"),
        (BugCheckCallbackReason.SecondaryDumpData, "RecordSecondary", "OnSecondary"),
        (BugCheckCallbackReason.DumpIo, "RecordDumpIo", "OnDumpIo"),
        (BugCheckCallbackReason.AddPages, "RecordAddPages", "OnAddPages"),
        (BugCheckCallbackReason.SecondaryMultiPartDumpData, "RecordMultiPart", "OnMultiPart"),
        (BugCheckCallbackReason.RemovePages, "RecordRemovePages", "OnRemovePages"),
        (BugCheckCallbackReason.TriageDumpData, "RecordTriage", "OnTriage"),
    ];

    [MingwTheory]
    [InlineData("-O0")]
    [InlineData("-O2")]
    public void Every_registration_of_the_clean_driver_is_found_with_its_reason_record_routine_and_component(string optimisation)
    {
        var path = InspectionFixtures.Driver("clean_driver", optimisation);
        var image = DriverImage.Open(path);
        var symbols = InspectionFixtures.Symbols(path, image.ImageBase);

        var calls = RegistrationScanner.Scan(image);

        calls.Where(c => c.Routine == RegistrationRoutine.KeRegisterBugCheckReasonCallback).Select(c => (c.Reason, c.RecordRva, c.CallbackRva, c.Component))
            .Should().Equal(s_clean.Select(r => ((BugCheckCallbackReason?)r.Reason, (uint?)symbols[r.Record], (uint?)symbols[r.Routine], (string?)"clean_driver")));
        calls.Single(c => c.Routine == RegistrationRoutine.KeRegisterBugCheckCallback).Should().BeEquivalentTo(
            new { RecordRva = (uint?)symbols["RecordClassic"], CallbackRva = (uint?)symbols["OnClassic"], Component = "clean_driver", Reason = (BugCheckCallbackReason?)null });
        calls.Where(c => !c.IsRegistration).Select(c => c.RecordRva)
            .Should().BeEquivalentTo(s_clean.Select(r => (uint?)symbols[r.Record]).Append(symbols["RecordClassic"]), "DriverUnload deregisters each record");
        calls.Should().OnlyContain(c => image.SectionAt(c.CallRva)!.IsExecutable);
    }

    [MingwTheory]
    [InlineData("-O0")]
    [InlineData("-O2")]
    public void A_registration_in_a_loop_is_found_with_unknown_arguments_rather_than_guessed_ones(string optimisation)
    {
        var image = DriverImage.Open(WindowsFixtures.KernelDriverBuiltWith(optimisation));

        var calls = RegistrationScanner.Scan(image);

        calls.Count(c => c.Routine == RegistrationRoutine.KeRegisterBugCheckReasonCallback).Should().BeInRange(1, 7, "one call in the loop, or one per reason where the compiler unrolled it");
        calls.Where(c => c.Routine == RegistrationRoutine.KeRegisterBugCheckReasonCallback).Should().OnlyContain(
            c => c.Reason == null || (c.Reason >= BugCheckCallbackReason.Reserved1 && c.Reason <= BugCheckCallbackReason.TriageDumpData),
            "a reason loaded from the array is unknown, not a stale constant");
        calls.Should().Contain(c => c.Routine == RegistrationRoutine.KeRegisterBugCheckCallback && c.Component == "kernel_driver");
    }

    [Fact]
    public void An_image_that_imports_no_registration_routine_has_no_calls()
    {
        var image = DriverImage.Read(DriverImageTests.MinimalImage());

        RegistrationScanner.Scan(image).Should().BeEmpty();
    }
}
