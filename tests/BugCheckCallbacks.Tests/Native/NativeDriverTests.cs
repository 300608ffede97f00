using System.Runtime.InteropServices;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Interop;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Native;

/// <summary>C drivers compiled with the machine's compiler, loaded into the simulated kernel and run through its protocols.</summary>
[Collection(ManyBugChecks.Name)]
public sealed unsafe class NativeDriverTests
{
    private static readonly Guid s_logTag = Guid.Parse("8d0f3c52-9a41-4b7e-a1c3-2e5f6a7b8c9d");
    private static readonly Guid s_ringTag = Guid.Parse("0c1d2e3f-4a5b-4c6d-8e9f-a0b1c2d3e4f5");

    /// <summary>One bug check with the faulty twin, shared by the tests that read it.</summary>
    private static readonly Lazy<BugCheckOutcome> s_faultyOutcome = new(() =>
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic, CallTimeBudget = TimeSpan.FromMilliseconds(10) });
        using var driver = kernel.LoadDriver(SampleDrivers.Faulty);
        return kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4, new InMemoryDumpSink());
    });

    /// <summary>A routine that does nothing, for the drivers written inline below.</summary>
    private const string NoOpCallback = """
        static VOID Callback(KBUGCHECK_CALLBACK_REASON r, PKBUGCHECK_REASON_CALLBACK_RECORD c, PVOID d, ULONG l)
        {
            UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(l);
        }

        """;

    /// <summary>What each callback of the faulty twin commits, by its component.</summary>
    public static TheoryData<string, ViolationKind> FaultyCallbacks() => new()
    {
        { "faulty.slow", ViolationKind.TimeBudgetExceeded },
        { "faulty.allocates", ViolationKind.AllocatedMemory },
        { "faulty.bugchecks", ViolationKind.NestedBugCheck },
        { "faulty.maximum", ViolationKind.OutputExceedsMaximumAllowed },
        { "faulty.pastbuffer", ViolationKind.OutputLengthExceedsBuffer },
        { "faulty.noguid", ViolationKind.MissingGuid },
        { "faulty.sharedtag", ViolationKind.DuplicateGuid },
        { "faulty.wildpointer", ViolationKind.InvalidPointer },
        { "faulty.noprogress", ViolationKind.MultiPartNoProgress },
        { "faulty.bothspaces", ViolationKind.InvalidAddressFlags },
        { "faulty.nopages", ViolationKind.ZeroPageCount },
        { "faulty.outsidemap", ViolationKind.RangeOutsideMemoryMap },
        { "faulty.neverends", ViolationKind.RepeatProtocolNeverEnds },
        { "faulty.toomuchtriage", ViolationKind.TriageBlocksExceedMaxVirtMemSize },
        { "faulty.overflow", ViolationKind.TriageArrayOverflow },
    };

    [NativeFact]
    public void DriverEntry_registers_real_records_in_the_drivers_memory_as_Windows_fills_them()
    {
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);

        (driver.Name, driver.DriverEntryStatus, kernel.Drivers.Single()).Should().Be(("storage_driver", NtStatus.Success, driver));
        driver.Records.Select(r => (r.Reason, r.Component, r.State)).Should().Equal(
            (BugCheckCallbackReason.SecondaryDumpData, "storage", BufferDumpState.Inserted),
            (BugCheckCallbackReason.SecondaryMultiPartDumpData, "storage", BufferDumpState.Inserted),
            (BugCheckCallbackReason.AddPages, "storage", BufferDumpState.Inserted),
            (BugCheckCallbackReason.TriageDumpData, "storage", BufferDumpState.Inserted));
        foreach (var twin in driver.Records)
        {
            var record = (KBUGCHECK_REASON_CALLBACK_RECORD*)driver.AddressOf(twin);
            record->State.Should().Be((byte)KBUGCHECK_BUFFER_DUMP_STATE.BufferInserted);
            record->Reason.Should().Be((KBUGCHECK_CALLBACK_REASON)twin.Reason);
            record->Checksum.Should().Be(unchecked((nuint)record->CallbackRoutine + (nuint)record->Reason + (nuint)record->Component));
            Marshal.PtrToStringAnsi(record->Component).Should().Be("storage");
            ((LIST_ENTRY*)record->Entry.Flink)->Blink.Should().Be((nint)record, "the list is doubly linked through Entry");
            ((LIST_ENTRY*)record->Entry.Blink)->Flink.Should().Be((nint)record);
        }

        // Newest first: each record's Flink is the one registered before it.
        var addresses = driver.Records.Select(driver.AddressOf).ToArray();
        for (var i = 1; i < addresses.Length; i++)
        {
            ((KBUGCHECK_REASON_CALLBACK_RECORD*)addresses[i])->Entry.Flink.Should().Be(addresses[i - 1]);
        }
    }

    [NativeFact]
    public void The_sample_drivers_callbacks_keep_the_contract_and_their_blobs_land_in_the_dump()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic });
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        var sink = new InMemoryDumpSink();

        var outcome = kernel.KeBugCheckEx(0xD1, 0x10, 2, 0, 0xFFFFF80012345678, sink);

        outcome.Violations.Should().BeEmpty();
        sink.ReadTagged(s_logTag).Should().Equal(Enumerable.Range(0, 1024).Select(i => (byte)i));
        sink.EnumerateTags().Where(t => t.Tag == s_ringTag).Should().HaveCount(4).And.OnlyContain(t => t.Size == 256);
        sink.ReadTagged(s_ringTag).Should().OnlyContain(b => b == 0xAB);
        var state = outcome.TriageBlocks.Should().ContainSingle().Subject;
        (state.Component, state.Size).Should().Be(("storage", 0x200UL));
        outcome.BodyRanges.Should().Contain(new PageRange(AddressSpace.Virtual, state.Address, 1), "the state's page, added at the driver's own address");
        outcome.Invocations.Where(i => i.Phase == BugCheckPhase.SecondaryMultiPartData).Should().HaveCount(4);
        driver.Records.Should().OnlyContain(r => r.State == BufferDumpState.Finished);
        driver.Records.Select(r => ((KBUGCHECK_REASON_CALLBACK_RECORD*)driver.AddressOf(r))->State).Should().OnlyContain(s => s == (byte)KBUGCHECK_BUFFER_DUMP_STATE.BufferFinished, "C sees the state the kernel left");
    }

    [NativeFact]
    public void A_dump_written_with_a_native_driver_reads_back_from_the_file()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Summary });
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        var path = Path.Combine(SampleDrivers.Folder, $"{Guid.NewGuid():N}.dmp");
        using (var writer = DumpFileWriter.Create(path))
        {
            kernel.KeBugCheckEx(0xE2, sink: writer).Violations.Should().BeEmpty();
        }

        using var file = DumpFile.Open(path);
        file.ReadTagged(s_logTag).Should().HaveCount(1024);
        file.EnumerateTags().Select(t => t.Tag).Should().Contain([s_logTag, s_ringTag]);
    }

    [NativeTheory]
    [InlineData(DumpType.Summary)]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.Triage)]
    public void The_driver_memory_its_callbacks_name_is_in_the_dump_at_the_drivers_own_addresses(DumpType dumpType)
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = dumpType });
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        var path = Path.Combine(SampleDrivers.Folder, $"{Guid.NewGuid():N}.dmp");
        BugCheckOutcome outcome;
        using (var writer = DumpFileWriter.Create(path))
        {
            outcome = kernel.KeBugCheckEx(0xE2, sink: writer);
        }

        // The state's address comes from the driver itself: the AddPages range in kernel dumps, the triage block in minidumps.
        var address = dumpType == DumpType.Triage ? outcome.TriageBlocks.Single().Address : outcome.BodyRanges.Single(r => r.Space == AddressSpace.Virtual).Address;
        using var file = DumpFile.Open(path);
        var bytes = new byte[28];

        outcome.Violations.Should().BeEmpty();
        file.ReadVirtual(address, bytes).Should().Be(28);
        System.Text.Encoding.ASCII.GetString(bytes).Should().Be("STORAGE DEVICE STATE: online");
        address.Should().BeLessThan(0x0000800000000000, "the driver runs in the host's user half, and the dump maps its memory there");
    }

    [NativeTheory]
    [MemberData(nameof(FaultyCallbacks))]
    public void The_faulty_twin_commits_exactly_the_violation_each_callback_was_written_to_commit(string component, ViolationKind kind)
    {
        var outcome = s_faultyOutcome.Value;

        outcome.Violations.Where(v => v.Component == component).Select(v => v.Kind).Should().Equal([kind], outcome.Violations.Select(v => v.ToString()).Aggregate(string.Empty, (a, b) => a + "\n" + b));
    }

    [NativeFact]
    public void A_native_nested_bug_check_reports_its_own_code_and_parameters()
    {
        var nested = s_faultyOutcome.Value.Violations.Single(v => v.Kind == ViolationKind.NestedBugCheck);
        nested.Detail.Should().StartWith("KeBugCheckEx(0xDEADDEAD, 0x1, 0x2, 0x3, 0x4)", "faulty_driver.c calls KeBugCheckEx(0xDEADDEAD, 1, 2, 3, 4)");
    }

    [NativeFact]
    public void The_faulty_twin_commits_nothing_it_was_not_written_to()
    {
        var outcome = s_faultyOutcome.Value;
        var expected = FaultyCallbacks().Select(row => ((string)row[0], (ViolationKind)row[1])).ToHashSet();

        outcome.Violations.Select(v => (v.Component, v.Kind)).Should().BeEquivalentTo(expected);
        outcome.DisplayedStopCode.Should().Be(0xDEADDEAD, "the nested bug check's code is the one shown");
    }

    [NativeFact]
    public void A_native_routine_that_hangs_is_abandoned_and_reported()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { HangTimeout = TimeSpan.FromMilliseconds(300) });
        var driver = kernel.LoadDriver(SampleDrivers.Faulty);
        Marshal.WriteInt32(driver.GetExport("FaultyHang"), 1);
        try
        {
            var outcome = kernel.KeBugCheckEx(0xE2);

            outcome.Violations.Should().ContainSingle(v => v.Kind == ViolationKind.CallbackHung).Which.Component.Should().Be("faulty.hangs");
            kernel.IsHung.Should().BeTrue();
        }
        finally
        {
            Marshal.WriteInt32(driver.GetExport("FaultyRelease"), 1); // lets the abandoned thread go; the driver stays mapped
            driver.Dispose();
        }
    }

    [NativeFact]
    public void Native_and_managed_callbacks_of_one_reason_run_in_one_order()
    {
        var kernel = new SimulatedKernel();
        var before = new BugCheckReasonCallbackRecord();
        var after = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.RegisterSecondaryDumpData(before, (_, _) => { }, "managed.before");
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        kernel.Callbacks.RegisterSecondaryDumpData(after, (_, _) => { }, "managed.after");

        var outcome = kernel.KeBugCheckEx(0xE2);

        outcome.Invocations.Where(i => i.Pass == InvocationPass.Sizing).Select(i => i.Component).Should().Equal("managed.after", "storage", "managed.before");
        outcome.Violations.Should().BeEmpty();
    }

    [NativeFact]
    public void One_native_callback_can_be_called_alone()
    {
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        var log = driver.Records[0];

        var sizing = kernel.Invoke(log, SecondaryDumpData.ForSizeQuery(0x10000));
        var tight = kernel.Invoke(log, SecondaryDumpData.ForDataPass(100));
        var roomy = kernel.Invoke(log, SecondaryDumpData.ForDataPass(0x10000));
        var part = kernel.Invoke(driver.Records[1], SecondaryDumpDataEx.ForCall(0x1000, context: 3));

        var noInBuffer = kernel.Invoke(log, SecondaryDumpData.ForDataPass(0x10000, inBufferLength: 0));

        noInBuffer.Blob!.Size.Should().Be(1024, "OutBuffer is never NULL in the data pass, even with no InBuffer: NULL means the sizing pass");
        sizing.Data.OutBufferLength.Should().Be(1024);
        (tight.Blob, tight.Violations.Count).Should().Be((null, 0));
        roomy.Blob!.Size.Should().Be(1024);
        (part.Data.Context, part.AsksToBeCalledAgain, part.Blob!.Size).Should().Be(((nint)4, false, 256u));
    }

    [NativeFact]
    public void Two_kernels_loading_one_library_get_a_driver_each()
    {
        var first = new SimulatedKernel();
        var second = new SimulatedKernel();

        using var a = first.LoadDriver(SampleDrivers.Storage);
        using var b = second.LoadDriver(SampleDrivers.Storage);

        a.AddressOf(a.Records[0]).Should().NotBe(b.AddressOf(b.Records[0]), "each load maps a private copy, with its own globals");
        first.KeBugCheckEx(0xE2).Violations.Should().BeEmpty();
        second.KeBugCheckEx(0xE2).Violations.Should().BeEmpty();
    }

    [NativeFact]
    public void A_record_the_driver_overwrote_after_registration_is_skipped_as_Windows_skips_it()
    {
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        ((KBUGCHECK_REASON_CALLBACK_RECORD*)driver.AddressOf(driver.Records[0]))->Checksum ^= 1;

        var outcome = kernel.KeBugCheckEx(0xE2);

        outcome.Invocations.Should().NotContain(i => i.Record == driver.Records[0]);
        outcome.Invocations.Should().Contain(i => i.Record == driver.Records[1]);
    }

    [NativeFact]
    public void A_record_the_driver_overwrote_cannot_be_called_alone_either()
    {
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        ((KBUGCHECK_REASON_CALLBACK_RECORD*)driver.AddressOf(driver.Records[0]))->State = 0x7F;

        var act = () => kernel.Invoke(driver.Records[0], SecondaryDumpData.ForSizeQuery(0x1000));

        act.Should().Throw<ArgumentException>().WithParameterName("record").WithMessage("*checksum no longer matches*");
        kernel.HasBugChecked.Should().BeFalse();
    }

    [NativeFact]
    public void Unloading_deregisters_the_records_and_runs_DriverUnload()
    {
        var kernel = new SimulatedKernel();
        var driver = kernel.LoadDriver(SampleDrivers.Storage);
        var records = driver.Records.ToArray();

        driver.Dispose();

        records.Should().OnlyContain(r => r.State == BufferDumpState.Empty);
        kernel.Callbacks.Count.Should().Be(0);
        kernel.Drivers.Should().BeEmpty();
        var act = () => driver.GetExport("DriverEntry");
        act.Should().Throw<ObjectDisposedException>();
    }

    [NativeFact]
    public void KeGetCurrentIrql_is_PASSIVE_LEVEL_in_DriverEntry_and_HIGH_LEVEL_in_a_callback()
    {
        var path = SampleDrivers.FromSource("""
            BCC_EXPORT KIRQL EntryIrql = 0xFF;
            BCC_EXPORT KIRQL CallbackIrql = 0xFF;
            static KBUGCHECK_REASON_CALLBACK_RECORD Record;
            static VOID Callback(KBUGCHECK_CALLBACK_REASON r, PKBUGCHECK_REASON_CALLBACK_RECORD c, PVOID d, ULONG l)
            {
                UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(d); UNREFERENCED_PARAMETER(l);
                CallbackIrql = KeGetCurrentIrql();
            }
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                EntryIrql = KeGetCurrentIrql();
                KeInitializeCallbackRecord(&Record);
                return KeRegisterBugCheckReasonCallback(&Record, Callback, KbCallbackReserved1, (PUCHAR)"irql") ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
            }
            """);
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(path);

        kernel.KeBugCheckEx(0xE2).Violations.Should().BeEmpty();

        (Marshal.ReadByte(driver.GetExport("EntryIrql")), Marshal.ReadByte(driver.GetExport("CallbackIrql"))).Should().Be((0, 15));
    }

    [NativeFact]
    public void A_large_zeroed_global_is_the_drivers_memory_and_its_bytes_land_in_the_dump()
    {
        var path = SampleDrivers.FromSource("""
            static UCHAR Big[1 << 20];      /* .bss, mapped past the file's last page */
            static KBUGCHECK_REASON_CALLBACK_RECORD Record;
            static VOID Callback(KBUGCHECK_CALLBACK_REASON r, PKBUGCHECK_REASON_CALLBACK_RECORD c, PVOID d, ULONG l)
            {
                PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)d;
                UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(c); UNREFERENCED_PARAMETER(l);
                if (data->OutBuffer == NULL) { data->OutBufferLength = 64; return; }
                data->Guid.Data1 = 0xB55;
                data->OutBuffer = Big + sizeof(Big) - 64;
                data->OutBufferLength = 64;
            }
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                RtlFillMemory(Big + sizeof(Big) - 64, 64, 0x5A);
                KeInitializeCallbackRecord(&Record);
                return KeRegisterBugCheckReasonCallback(&Record, Callback, KbCallbackSecondaryDumpData, (PUCHAR)"bss") ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
            }
            """);
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(path);
        var sink = new InMemoryDumpSink();

        kernel.KeBugCheckEx(0xE2, sink: sink).Violations.Should().BeEmpty();

        sink.ReadTagged(new Guid(0xB55, 0, 0, new byte[8])).Should().HaveCount(64).And.OnlyContain(b => b == 0x5A);
    }

    [NativeFact]
    public void A_classic_callback_runs_after_the_dump_with_its_buffer_and_its_record_shows_the_outcome()
    {
        var path = SampleDrivers.FromSource("""
            BCC_EXPORT KBUGCHECK_CALLBACK_RECORD Classic;
            BCC_EXPORT UCHAR Buffer[32];
            static VOID ClassicCallback(PVOID buffer, ULONG length)
            {
                RtlFillMemory(buffer, length, 0xC1);
            }
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                KeInitializeCallbackRecord(&Classic);
                return KeRegisterBugCheckCallback(&Classic, ClassicCallback, Buffer, sizeof(Buffer), (PUCHAR)"classic") ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
            }
            """);
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(path);
        var record = (KBUGCHECK_CALLBACK_RECORD*)driver.GetExport("Classic");
        (record->State, record->Length, record->Checksum).Should().Be(((byte)KBUGCHECK_BUFFER_DUMP_STATE.BufferInserted, 32u, unchecked((nuint)record->CallbackRoutine + (nuint)record->Buffer + 32 + (nuint)record->Component)));

        var outcome = kernel.KeBugCheckEx(0xE2);

        outcome.Invocations.Should().ContainSingle(i => i.Phase == BugCheckPhase.Classic).Which.ClassicRecord.Should().BeSameAs(driver.ClassicRecords.Single());
        new ReadOnlySpan<byte>((void*)driver.GetExport("Buffer"), 32).ToArray().Should().OnlyContain(b => b == 0xC1);
        record->State.Should().Be((byte)KBUGCHECK_BUFFER_DUMP_STATE.BufferFinished);
    }

    [NativeFact]
    public void A_driver_of_two_files_that_both_include_the_header_has_one_glue()
    {
        var entry = Path.Combine(SampleDrivers.Folder, "two_entry.c");
        var callbacks = Path.Combine(SampleDrivers.Folder, "two_callbacks.c");
        File.WriteAllText(callbacks, "#include <bugcheck_callbacks.h>\nBOOLEAN RegisterAll(void);\n" + NoOpCallback + """
            static KBUGCHECK_REASON_CALLBACK_RECORD Record;
            BOOLEAN RegisterAll(void)
            {
                KeInitializeCallbackRecord(&Record);
                return KeRegisterBugCheckReasonCallback(&Record, Callback, KbCallbackReserved1, (PUCHAR)"two");
            }
            """);
        File.WriteAllText(entry, """
            #include <bugcheck_callbacks.h>
            BOOLEAN RegisterAll(void);
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                return RegisterAll() ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
            }
            """);
        var kernel = new SimulatedKernel();

        using var driver = kernel.LoadDriver(NativeCompiler.Library([entry, callbacks], SampleDrivers.Folder, "two_files"));

        driver.Records.Should().ContainSingle().Which.Component.Should().Be("two");
        kernel.KeBugCheckEx(0xE2).Invocations.Should().ContainSingle(i => i.Component == "two");
    }

    [NativeFact]
    public void Registration_follows_the_Windows_rules_for_a_record_already_used_and_memory_not_owned()
    {
        var path = SampleDrivers.FromSource(NoOpCallback + """
            BCC_EXPORT BOOLEAN Results[4];
            static KBUGCHECK_REASON_CALLBACK_RECORD Record;
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                KeInitializeCallbackRecord(&Record);
                Results[0] = KeRegisterBugCheckReasonCallback(&Record, Callback, KbCallbackReserved1, (PUCHAR)"rules");
                Results[1] = KeRegisterBugCheckReasonCallback(&Record, Callback, KbCallbackReserved1, (PUCHAR)"rules");
                Results[2] = KeRegisterBugCheckReasonCallback((PKBUGCHECK_REASON_CALLBACK_RECORD)(ULONG_PTR)0x1000, Callback, KbCallbackReserved1, (PUCHAR)"rules");
                Results[3] = KeDeregisterBugCheckReasonCallback(&Record) && !KeDeregisterBugCheckReasonCallback(&Record) &&
                    KeRegisterBugCheckReasonCallback(&Record, Callback, KbCallbackReserved1, (PUCHAR)"rules");
                return STATUS_SUCCESS;
            }
            """);
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(path);

        var results = new byte[4];
        Marshal.Copy(driver.GetExport("Results"), results, 0, 4);

        results.Should().Equal(1, 0, 0, 1);
        kernel.Callbacks.Count.Should().Be(1);
    }

    [NativeTheory]
    [InlineData("return STATUS_UNSUCCESSFUL;", "DriverEntry returned 0xC0000001")]
    [InlineData("KeBugCheckEx(0x1234, 0, 0, 0, 0);", "DriverEntry called KeBugCheckEx(0x00001234, 0x0, 0x0, 0x0, 0x0)")]
    public void A_DriverEntry_that_fails_or_bug_checks_fails_the_load_and_leaves_nothing_registered(string body, string message)
    {
        var path = SampleDrivers.FromSource(NoOpCallback + $$"""
            static KBUGCHECK_REASON_CALLBACK_RECORD Record;
            NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
            {
                UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
                KeInitializeCallbackRecord(&Record);
                KeRegisterBugCheckReasonCallback(&Record, Callback, KbCallbackReserved1, (PUCHAR)"failing");
                {{body}}
            }
            """);
        var kernel = new SimulatedKernel();

        var act = () => kernel.LoadDriver(path);

        act.Should().Throw<NativeDriverException>().WithMessage($"{Path.GetFullPath(path)}: {message}*");
        (kernel.Callbacks.Count, kernel.Drivers.Count).Should().Be((0, 0));
    }

    [NativeFact]
    public void A_library_not_built_with_the_header_is_refused_by_name()
    {
        var source = Path.Combine(SampleDrivers.Folder, "plain.c");
        File.WriteAllText(source, "int Plain(void) { return 1; }\n");
        var path = NativeCompiler.Library(source, SampleDrivers.Folder, "plain");
        var copies = Path.Combine(Path.GetTempPath(), "BugCheckCallbacks.Drivers");
        var before = Directory.Exists(copies) ? Directory.GetDirectories(copies).Length : 0;

        var act = () => new SimulatedKernel().LoadDriver(path);

        act.Should().Throw<NativeDriverException>().WithMessage("*plain*: does not export BccDriverGlue; build the driver with include/bugcheck_callbacks.h*");
        Directory.GetDirectories(copies).Should().HaveCount(before, "the private copy of a refused library is deleted");
    }

    [NativeFact]
    public void A_driver_cannot_be_unloaded_while_its_routine_may_be_running()
    {
        var kernel = new SimulatedKernel();
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        InvalidOperationException? refused = null;
        var record = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.RegisterReserved1(record, _ => refused = Record.Exception(driver.Dispose) as InvalidOperationException, "unloader.sys");

        kernel.KeBugCheckEx(0xE2, sink: null);

        refused.Should().NotBeNull().And.Subject.As<InvalidOperationException>().Message.Should().Contain("unload it afterwards");
        driver.Records.Should().OnlyContain(r => r.State == BufferDumpState.Finished);
    }

    [Fact]
    public void Loading_a_missing_library_or_after_the_bug_check_is_refused()
    {
        var kernel = new SimulatedKernel();
        var missing = () => kernel.LoadDriver(Path.Combine(Path.GetTempPath(), $"{Guid.NewGuid():N}.so"));
        var nullPath = () => kernel.LoadDriver(null!);
        kernel.KeBugCheckEx(0xE2);
        var late = () => kernel.LoadDriver(typeof(object).Assembly.Location);

        missing.Should().Throw<FileNotFoundException>();
        nullPath.Should().Throw<ArgumentNullException>().WithParameterName("path");
        late.Should().Throw<InvalidOperationException>().WithMessage("*already bug-checked*");
    }
}
