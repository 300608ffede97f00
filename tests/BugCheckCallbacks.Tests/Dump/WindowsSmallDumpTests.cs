using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Tests.Cli;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// The library's reader against small memory dumps shaped like the ones Windows writes (<see cref="WindowsSmallDump"/>,
/// built from KERNEL-DUMP.md §8 alone), and against an independent reader of the same facts.
/// </summary>
public sealed class WindowsSmallDumpTests
{
    public static TheoryData<bool> Machines() => new() { false, true };

    [Theory]
    [MemberData(nameof(Machines))]
    public void The_header_reads_with_PAGE_fields_absent_and_RequiredDumpSpace_a_reservation_past_the_end(bool arm64)
    {
        var fixture = Fixture(arm64);
        using var dump = DumpFile.Open(new MemoryStream(fixture.File));
        var h = dump.Header;

        (h.DumpType, dump.Layout, h.MinorVersion, h.BugCheckCode, h.MachineImageType).Should().Be((4u, DumpBodyLayout.Triage, fixture.Build, fixture.BugCheckCode, arm64 ? 0xAA64u : 0x8664u));
        (h.MiniDumpFields, h.ProductType, h.SuiteMask, h.SystemUpTime).Should().Be((0xCFFu, 1u, 0x110u, 0x23BC1E9L));
        (h.PhysicalMemoryRuns.Count, h.NumberOfPages, h.Comment, h.SecondaryDataState).Should().Be((0, 0UL, string.Empty, 0u), "\"PAGE\" is not there");
        h.AbsentFields.Should().Contain(["NumberOfRuns", "NumberOfPages", "Comment", "SecondaryDataState"]).And.NotContain(["BugCheckCode", "DumpType", "MiniDumpFields"]);
        h.RequiredDumpSpace.Should().Be(fixture.RequiredDumpSpace).And.BeGreaterThan(dump.Length);
        (h.Exception.Code, h.Exception.Address, h.Exception.Parameters.Count).Should().Be((0x80000003u, WindowsSmallDump.ExceptionAddress, 0));
        dump.StoredPageCount.Should().Be(0);
        dump.BodyEnd.Should().Be(fixture.SizeOfDump);
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void The_registers_are_the_machines_own_context_and_the_culprit_module_is_named(bool arm64)
    {
        var fixture = Fixture(arm64);
        using var dump = DumpFile.Open(new MemoryStream(fixture.File));
        var registers = dump.Header.GeneralRegisters().ToDictionary(r => r.Key, r => r.Value);

        if (arm64)
        {
            dump.Header.Arm64Context.Should().NotBeNull();
            (registers["pc"], registers["sp"], registers["x0"], registers["x28"]).Should().Be((WindowsSmallDump.ExceptionAddress, WindowsSmallDump.TopOfStack, 0x1000UL, 0x101CUL));
            registers.Keys.Should().StartWith(["pc", "sp", "fp", "lr", "x0"]).And.HaveCount(33);
        }
        else
        {
            dump.Header.Arm64Context.Should().BeNull();
            (registers["rip"], registers["rsp"], registers["rax"], registers["r15"]).Should().Be((fixture.FaultAddress, fixture.ContextSp, 0x100UL, 0x10FUL));
            var culprit = new KernelWalker(dump).ModuleAt(dump.Header.BugCheckParameter2)!;
            (culprit.Name, culprit.FullName).Should().Be(("amdppm.sys", @"\SystemRoot\System32\drivers\amdppm.sys"), "Parameter 2, the faulting address, is inside amdppm.sys");
        }

        new KernelWalker(dump).ModuleAt(WindowsSmallDump.ExceptionAddress)!.FullName.Should().Be(@"\SystemRoot\system32\ntoskrnl.exe");
        dump.Triage!.TopOfStack.Should().Be(WindowsSmallDump.TopOfStack);
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Every_driver_data_block_the_stack_and_the_KDBG_copy_read_back_as_written(bool arm64)
    {
        var fixture = Fixture(arm64);
        using var dump = DumpFile.Open(new MemoryStream(fixture.File));
        var triage = dump.Triage!;

        triage.Drivers.Select(d => (d.Name, d.DllBase, d.SizeOfImage)).Should().Equal(fixture.Drivers);
        triage.DataBlocks.Should().HaveCount(fixture.Blocks.Count);
        foreach (var (address, data) in fixture.Blocks)
        {
            var read = new byte[data.Length];
            dump.ReadVirtual(address, read).Should().Be(data.Length);
            read.Should().Equal(data);
        }

        var stack = new byte[fixture.Stack.Length];
        dump.ReadVirtual(WindowsSmallDump.TopOfStack, stack).Should().Be(stack.Length, "CallStackSize bytes from TopOfStack up");
        stack.Should().Equal(fixture.Stack);
        var kdbg = new byte[fixture.Kdbg.Length];
        dump.ReadVirtual(WindowsSmallDump.KdbgAddress, kdbg).Should().Be(kdbg.Length);
        kdbg.Should().Equal(fixture.Kdbg);
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void Every_blob_reads_byte_for_byte_from_the_region_at_SizeOfDump(bool arm64)
    {
        var fixture = Fixture(arm64);
        using var dump = DumpFile.Open(new MemoryStream(fixture.File));

        dump.SecondaryDataOffset.Should().Be(fixture.SizeOfDump, "the region starts exactly at SizeOfDump, not 8-aligned");
        using var region = dump.OpenSecondaryData();
        (region.BuildNumber, region.BuildField).Should().Be((fixture.Build, 0xF0000000 | fixture.Build));
        dump.EnumerateTags().Select(t => t.Tag).Should().Equal(fixture.Blobs.Select(b => b.Tag));
        foreach (var (tag, data) in fixture.Blobs)
        {
            dump.ReadTagged(tag).Should().Equal(data);
        }
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void The_independent_reader_reads_the_fixture_as_it_was_built(bool arm64)
    {
        var fixture = Fixture(arm64);
        var other = new IndependentTriageReader(fixture.File);

        other.Drivers.Should().Equal(fixture.Drivers);
        other.Blocks.Select(b => b.Address).Should().Equal(fixture.Blocks.Select(b => b.Address));
        other.Context.Should().Be((fixture.ContextPc, fixture.ContextSp));
        other.Stack.Should().Equal(fixture.Stack);
        other.Blobs().Select(b => b.Tag).Should().Equal(fixture.Blobs.Select(b => b.Tag));
        other.RegionOffset.Should().Be(fixture.SizeOfDump);
    }

    [Theory]
    [MemberData(nameof(Machines))]
    public void The_walker_finds_nothing_to_accuse_in_a_small_dump_that_holds_no_list(bool arm64)
    {
        using var dump = DumpFile.Open(new MemoryStream(Fixture(arm64).File));

        var scan = new KernelWalker(dump).ReadCallbackLists();

        scan.AllFindings.Should().BeEmpty("absent is not tampered");
        scan.Lists.Should().BeEmpty();
    }

    [Fact]
    public void The_CLI_callbacks_command_exits_0_on_a_small_dump_and_says_what_it_does_not_hold()
    {
        var path = CliRunner.TempPath(".dmp");
        File.WriteAllBytes(path, TriageDumpTests.Write().File);
        try
        {
            var result = CliRunner.Run("callbacks", path);

            result.Exit.Should().Be(0, result.Out + result.Error);
            result.Out.Should().Contain("is not in the dump (a small memory dump holds only the blocks it copied)").And.NotContain("UnreadableEntry");
        }
        finally
        {
            File.Delete(path);
        }
    }

    public static TheoryData<string, int, Action<byte[]>> Lies() => new()
    {
        { "SizeOfDump", 0x2004, f => U32(f, 0x2004, uint.MaxValue) },
        { "ContextOffset", 0x200C, f => U32(f, 0x200C, 0xFFFFFFF0) },
        { "CallStackOffset and CallStackSize", 0x2028, f => U32(f, 0x202C, uint.MaxValue) },
        { "DriverCount 4,294,967,295 is more than", 0x2034, f => U32(f, 0x2034, uint.MaxValue) },
        { "run into the string pool", 0x2034, f => U32(f, 0x2034, ReadU32(f, 0x2034) + 1) }, // a lying stride
        { "StringPoolOffset", 0x2038, f => U32(f, 0x203C, uint.MaxValue) },
        { "is not in the string pool", -1, f => U32(f, (int)ReadU32(f, 0x2030), ReadU32(f, 0x2038) + ReadU32(f, 0x203C)) }, // a name past the pool
        { "DebuggerDataOffset", 0x2070, f => U32(f, 0x2074, uint.MaxValue) },
        { "DataBlocksCount 4,294,967,295 is more than", 0x207C, f => U32(f, 0x207C, uint.MaxValue) },
        { "a data block's Offset and Size", -2, f => U32(f, (int)ReadU32(f, 0x2078) + 8, 0x348) }, // bytes in the header
    };

    [Theory]
    [MemberData(nameof(Lies))]
    public void A_lying_field_in_a_Windows_shaped_dump_is_an_InvalidDumpException_at_its_offset_in_bounded_memory(string reason, int offset, Action<byte[]> lie)
    {
        var file = WindowsSmallDump.X64(drivers: 12, blocks: 40, blobs: 3).File;
        var expected = offset switch { -1 => ReadU32(file, 0x2030), -2 => ReadU32(file, 0x2078) + 8, _ => (uint)offset };
        lie(file);
        var before = GC.GetAllocatedBytesForCurrentThread();

        var act = () => DumpFile.Open(new MemoryStream(file));

        act.Should().Throw<InvalidDumpException>().Where(e => e.Offset == expected).WithMessage($"*{reason}*");
        (GC.GetAllocatedBytesForCurrentThread() - before).Should().BeLessThan(1 << 20, "no count from the file sizes an allocation before it is checked");
    }

    private static uint ReadU32(byte[] file, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));

    private static void U32(byte[] file, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(offset), value);

    private static WindowsSmallDump Fixture(bool arm64) => arm64 ? s_arm64.Value : s_x64.Value;

    private static readonly Lazy<WindowsSmallDump> s_x64 = new(() => WindowsSmallDump.X64());
    private static readonly Lazy<WindowsSmallDump> s_arm64 = new(() => WindowsSmallDump.Arm());
}
