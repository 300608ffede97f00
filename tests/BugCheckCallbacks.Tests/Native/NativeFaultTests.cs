using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;

namespace BugCheckCallbacks.Tests.Native;

/// <summary>
/// Fault containment for native routines (docs/native.md, "When a routine faults"): a C routine that faults is contained
/// as the kernel's exception handler contains it — BCV0001 naming the signal, the address and the instruction, its
/// record Incomplete, the other callbacks' data in the dump — and the test run goes on. Runs in parallel with the rest.
/// </summary>
public sealed class NativeFaultTests
{
    private static readonly Guid s_goodTag = Guid.Parse("6b3f1a2c-4d5e-4f60-8a7b-9c0d1e2f3a4b");

    /// <summary>The faults, as C statements, and the signal each raises on this host.</summary>
    public static TheoryData<string, string, string> Faults()
    {
        var faults = new TheoryData<string, string, string>
        {
            { "a write through a wild pointer", "*(volatile int *)s_wild = 1;", "SIGSEGV" },
            { "a read through a wild pointer", "s_sink = *(volatile int *)(s_wild + 0xFFFF0000u);", "SIGSEGV" },
            { "a call through NULL", "((VOID (*)(void))(uintptr_t)s_zero)();", "SIGSEGV" },
        };
        if (System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture == System.Runtime.InteropServices.Architecture.X64)
        {
            faults.Add("an illegal instruction", "__asm__ volatile(\"ud2\");", "SIGILL");
            faults.Add("a division by zero", "s_sink = s_wild_int / s_zero;", "SIGFPE"); // arm64 divides by zero without a fault
        }

        return faults;
    }

    [NativeTheory]
    [MemberData(nameof(Faults))]
    public void A_routine_that_faults_in_any_reason_is_contained_and_the_other_callbacks_data_is_in_the_dump(string fault, string statement, string signal)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic });
        using var driver = kernel.LoadDriver(Driver(statement));
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4, sink);

        var faulted = outcome.Violations.Where(v => v.Kind == ViolationKind.CallbackThrew).ToArray();
        faulted.Select(v => v.Reason).Should().BeEquivalentTo(
            new BugCheckCallbackReason?[]
            {
                BugCheckCallbackReason.Reserved1, BugCheckCallbackReason.TriageDumpData, BugCheckCallbackReason.AddPages, BugCheckCallbackReason.RemovePages,
                BugCheckCallbackReason.DumpIo, BugCheckCallbackReason.SecondaryDumpData, BugCheckCallbackReason.SecondaryMultiPartDumpData, null,
            },
            "each reason's routine and the classic one faulted ({0}), once each", fault);
        faulted.Should().OnlyContain(v => v.Detail.Contains(signal, StringComparison.Ordinal) && v.Detail.Contains("contained it", StringComparison.Ordinal));
        var where = statement.Contains("s_zero)()", StringComparison.Ordinal) ? "instruction 0x0" : ".so+0x"; // a call through NULL faults at 0
        faulted.Should().OnlyContain(v => v.Detail.Contains(where, StringComparison.Ordinal), "the instruction is named as module+offset");
        outcome.Records.Where(r => r.Component == "fault.sys").Should().OnlyContain(r => r.FinalState == BufferDumpState.Incomplete);
        outcome.Records.Single(r => r.Component == "good.sys").FinalState.Should().Be(BufferDumpState.Finished);

        using var dump = sink.Open();
        dump.ReadTagged(s_goodTag).Should().Equal(Enumerable.Range(0, 64).Select(i => (byte)(i * 3)), "the good callback's blob is in the dump byte for byte");
    }

    [NativeFact]
    public void A_DriverEntry_that_faults_fails_the_load_with_a_clear_error_and_the_kernel_stays_usable()
    {
        var kernel = new SimulatedKernel();
        var path = SampleDrivers.FromSource("""
            static volatile int s_sink;
            static volatile uintptr_t s_wild = 0x8;
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                s_sink = *(volatile int *)s_wild;
                return STATUS_SUCCESS;
            }
            """);

        var load = () => kernel.LoadDriver(path);

        load.Should().Throw<NativeDriverException>().WithMessage("*DriverEntry faulted: SIGSEGV (a bad memory access) at address 0x8, instruction lib*.so+0x*; the kernel's exception handler contained it. The driver was not loaded.");
        kernel.Drivers.Should().BeEmpty();
        kernel.Register(BugCheckCallbackReason.Reserved1, "after.sys", (_, _, _) => { });
        kernel.KeBugCheckEx(0x1).Violations.Should().BeEmpty("the kernel goes on after the faulted load");
    }

    [NativeFact]
    public void A_managed_NullReferenceException_beside_a_contained_native_fault_is_still_BCV0001_of_its_own()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Header });
        using var driver = kernel.LoadDriver(Driver("*(volatile int *)s_wild = 1;"));
        string? text = null;
        kernel.Register(BugCheckCallbackReason.Reserved1, "managed.sys", (_, _, _) => _ = text!.Length);

        var outcome = kernel.KeBugCheckEx(0x1);

        outcome.Violations.Should().Contain(v => v.Component == "managed.sys" && v.Kind == ViolationKind.CallbackThrew && v.Detail.StartsWith("System.NullReferenceException", StringComparison.Ordinal));
        outcome.Violations.Should().Contain(v => v.Component == "fault.sys" && v.Detail.Contains("SIGSEGV", StringComparison.Ordinal));
    }

    [NativeFact]
    public void Simulate_and_check_on_a_driver_that_faults_report_each_fault_and_exit_1()
    {
        var path = Driver("*(volatile int *)s_wild = 1;");
        var dump = Path.Combine(SampleDrivers.Folder, $"fault{Guid.NewGuid():N}.dmp");

        var simulate = Cli.CliRunner.Run("simulate", "--driver", path, "--out", dump);
        var check = Cli.CliRunner.Run("check", "--driver", path, "--situations", "2", "--json");

        simulate.Exit.Should().Be(1, simulate.Error);
        simulate.Error.Should().BeEmpty("a version 2 driver's faults are contained: no warning");
        simulate.Out.Should().Contain("BCV0001").And.Contain("SIGSEGV").And.Contain("Result: 8 unexpected violations");
        check.Exit.Should().Be(1, check.Error);
        using var json = System.Text.Json.JsonDocument.Parse(check.Out);
        var findings = json.RootElement.GetProperty("reasons").EnumerateArray().SelectMany(r => r.GetProperty("findings").EnumerateArray()).ToList();
        var faults = findings.Where(f => f.GetProperty("code").GetString() == "BCV0001").ToList();
        faults.Should().NotBeEmpty().And.OnlyContain(f => f.GetProperty("detail").GetString()!.Contains("SIGSEGV", StringComparison.Ordinal), "every situation's fault is listed");
    }

    [NativeFact]
    public void A_driver_that_hid_POSIX_signals_loads_without_containment_and_the_CLI_says_so()
    {
        var source = Path.Combine(SampleDrivers.Folder, $"hidden{Guid.NewGuid():N}.c");
        File.WriteAllText(source, "#include <stdio.h>\n#include <bugcheck_callbacks.h>\n" + """
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p) { UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p); return STATUS_SUCCESS; }
            """);
        var hidden = NativeCompiler.Library(source, SampleDrivers.Folder, Path.GetFileNameWithoutExtension(source));
        var kernel = new SimulatedKernel();

        using (var contained = kernel.LoadDriver(Driver("s_sink = 0;")))
        using (var uncontained = kernel.LoadDriver(hidden))
        {
            contained.ContainsFaults.Should().BeTrue();
            uncontained.ContainsFaults.Should().BeFalse("stdio.h under -std=c11 came first, so the header saw no POSIX signals");
        }

        var dump = Path.Combine(SampleDrivers.Folder, $"hidden{Guid.NewGuid():N}.dmp");
        Cli.CliRunner.Run("simulate", "--driver", hidden, "--out", dump).Error
            .Should().Contain("a fault in its routines is not contained").And.Contain("-D_XOPEN_SOURCE=700");
    }

    [NativeFact]
    public void A_routine_that_hangs_is_interrupted_after_the_hang_timeout_and_its_thread_ends()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { HangTimeout = TimeSpan.FromMilliseconds(200), DumpType = DumpType.Header });
        using var driver = kernel.LoadDriver(SampleDrivers.FromSource("""
            BCC_EXPORT volatile LONG Spins = 0;
            static KBUGCHECK_REASON_CALLBACK_RECORD s_record;
            static VOID Spin(KBUGCHECK_CALLBACK_REASON r, PKBUGCHECK_REASON_CALLBACK_RECORD c, PVOID d, ULONG l)
            {
                UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(l);
                for (;;) { Spins = Spins + 1; }
            }
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                KeInitializeCallbackRecord(&s_record);
                return KeRegisterBugCheckReasonCallback(&s_record, Spin, KbCallbackReserved1, (PUCHAR)"spin.sys") ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
            }
            """));

        var outcome = kernel.KeBugCheckEx(0xE2);

        var hung = outcome.Violations.Should().ContainSingle(v => v.Kind == ViolationKind.CallbackHung).Subject;
        hung.Component.Should().Be("spin.sys");
        hung.Detail.Should().EndWith("and the native routine interrupted: its thread has ended.");
        kernel.IsHung.Should().BeTrue("a hung kernel is done for, as before");
        var spins = System.Runtime.InteropServices.Marshal.ReadInt32(driver.GetExport("Spins"));
        spins.Should().BeGreaterThan(0, "the routine ran");
        new SimulatedKernel().KeBugCheckEx(0x1); // some work on this thread while the routine would spin, were it still running
        System.Runtime.InteropServices.Marshal.ReadInt32(driver.GetExport("Spins")).Should().Be(spins, "the routine's thread has ended: nothing spins any more");
    }

    [NativeFact]
    public void A_DriverUnload_that_faults_is_contained_and_the_unload_completes()
    {
        var kernel = new SimulatedKernel();
        var driver = kernel.LoadDriver(SampleDrivers.FromSource("""
            static volatile uintptr_t s_wild = 0x18;
            static VOID Unload(PDRIVER_OBJECT o) { UNREFERENCED_PARAMETER(o); *(volatile int *)s_wild = 1; }
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p) { UNREFERENCED_PARAMETER(p); o->DriverUnload = Unload; return STATUS_SUCCESS; }
            """));

        driver.Dispose();

        kernel.Drivers.Should().BeEmpty();
        kernel.KeBugCheckEx(0x1).Violations.Should().BeEmpty("the kernel goes on");
    }

    [NativeFact]
    public async Task A_fault_on_a_thread_of_the_drivers_own_ends_the_process_with_one_line_naming_the_driver()
    {
        var path = SampleDrivers.FromSource("""
            #include <pthread.h>
            static volatile uintptr_t s_wild = 0x20;
            static void *Worker(void *argument) { (void)argument; *(volatile int *)s_wild = 1; return NULL; }
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                pthread_t thread;
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                pthread_create(&thread, NULL, Worker, NULL);
                pthread_join(thread, NULL);
                return STATUS_SUCCESS;
            }
            """);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[typeof(BugCheckCallbacks.Cli.BugCheckCli).Assembly.Location, "simulate", "--driver", path, "--out", Path.Combine(SampleDrivers.Folder, $"own{Guid.NewGuid():N}.dmp")])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(timeout.Token);

        process.ExitCode.Should().NotBe(0, await output);
        error.Should().MatchRegex(@"bugcheck: driver lib\w+\.so faulted outside any routine the kernel called \(signal 0x0+B at address 0x0+20, instruction lib\w+\.so\+0x[0-9A-F]+\); it cannot be contained there, and the process ends\.");
    }

    /// <summary>A driver with one faulting routine per reason and a classic one (component fault.sys), and a good SecondaryDumpData routine (good.sys).</summary>
    private static string Driver(string statement) => SampleDrivers.FromSource($$"""
        static volatile int s_sink;
        static volatile int s_zero;
        static volatile uintptr_t s_wild = 0x10;
        static volatile int s_wild_int = 10;
        static KBUGCHECK_REASON_CALLBACK_RECORD s_records[7];
        static KBUGCHECK_REASON_CALLBACK_RECORD s_good;
        static KBUGCHECK_CALLBACK_RECORD s_classic;
        static UCHAR s_buffer[16];
        static UCHAR s_blob[64];
        static const GUID GoodTag = { 0x6b3f1a2c, 0x4d5e, 0x4f60, { 0x8a, 0x7b, 0x9c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b } };

        static VOID Fault(KBUGCHECK_CALLBACK_REASON r, PKBUGCHECK_REASON_CALLBACK_RECORD c, PVOID d, ULONG l)
        {
            UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(l);
            {{statement}}
        }

        static VOID ClassicFault(PVOID b, ULONG l)
        {
            UNREFERENCED_PARAMETER(b); UNREFERENCED_PARAMETER(l);
            {{statement}}
        }

        static VOID Good(KBUGCHECK_CALLBACK_REASON r, PKBUGCHECK_REASON_CALLBACK_RECORD c, PVOID d, ULONG l)
        {
            PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)d;
            UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(l);
            if (data->OutBuffer == NULL) { data->OutBufferLength = sizeof(s_blob); return; }
            data->Guid = GoodTag;
            data->OutBuffer = s_blob;
            data->OutBufferLength = sizeof(s_blob);
        }

        NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
        {
            static const KBUGCHECK_CALLBACK_REASON reasons[7] = { KbCallbackReserved1, KbCallbackTriageDumpData, KbCallbackAddPages,
                KbCallbackRemovePages, KbCallbackDumpIo, KbCallbackSecondaryDumpData, KbCallbackSecondaryMultiPartDumpData };
            int i;
            UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
            for (i = 0; i < 64; i++) { s_blob[i] = (UCHAR)(i * 3); }
            for (i = 0; i < 7; i++) {
                KeInitializeCallbackRecord(&s_records[i]);
                KeRegisterBugCheckReasonCallback(&s_records[i], Fault, reasons[i], (PUCHAR)"fault.sys");
            }
            KeInitializeCallbackRecord(&s_good);
            KeRegisterBugCheckReasonCallback(&s_good, Good, KbCallbackSecondaryDumpData, (PUCHAR)"good.sys");
            KeInitializeCallbackRecord(&s_classic);
            KeRegisterBugCheckCallback(&s_classic, ClassicFault, s_buffer, sizeof(s_buffer), (PUCHAR)"fault.sys");
            return STATUS_SUCCESS;
        }
        """);
}
