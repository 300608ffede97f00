using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Tests.Cli;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// The two small memory dumps Windows wrote that KERNEL-DUMP.md §8 was read from (build 19041 x64, build 22000 ARM64), read
/// by the library and by the independent reader, which must agree on every field, driver, block, stack byte and blob; and
/// the values seen in the files. Skipped unless <c>BUGCHECK_REAL_DUMPS</c> names a folder holding them.
/// </summary>
public sealed class RealSmallDumpTests
{
    public static TheoryData<string> Files() => new() { "triage_x64.dmp", "triage_arm64.dmp" };

    [RealDumpTheory]
    [MemberData(nameof(Files))]
    public void The_library_and_the_independent_reader_agree_on_every_field_driver_block_stack_byte_and_blob(string name)
    {
        var bytes = File.ReadAllBytes(RealDumpTheoryAttribute.PathOf(name));
        using var dump = DumpFile.Open(RealDumpTheoryAttribute.PathOf(name));
        var other = new IndependentTriageReader(bytes);
        var triage = dump.Triage!;

        (triage.SizeOfDump, triage.ValidOffset, triage.ContextOffset, triage.ExceptionOffset, triage.TopOfStack).Should().Be((other.SizeOfDump, other.ValidOffset, 0x348u, 0xF00u, other.TopOfStack));
        triage.Drivers.Select(d => (d.Name, d.DllBase, d.SizeOfImage)).Should().Equal(other.Drivers);
        triage.DataBlocks.Select(b => (b.Address, (int)b.Offset, (int)b.Size)).Should().Equal(other.Blocks);
        foreach (var block in triage.DataBlocks) // no two blocks overlap in either file
        {
            var mine = new byte[block.Size];
            dump.ReadVirtual(block.Address, mine).Should().Be((int)block.Size);
            other.Read(block.Address, (int)block.Size).Should().Equal(mine);
        }

        var stack = new byte[other.CallStackSize];
        dump.ReadVirtual(other.TopOfStack, stack).Should().Be(stack.Length);
        stack.Should().Equal(other.Stack);
        var kdbg = new byte[other.DebuggerDataSize];
        dump.ReadVirtual(dump.Header.KdDebuggerDataBlock, kdbg).Should().Be(kdbg.Length);
        kdbg.Should().Equal(other.DebuggerData);
        System.Text.Encoding.ASCII.GetString(kdbg, 0x10, 4).Should().Be("KDBG");

        dump.SecondaryDataOffset.Should().Be(other.RegionOffset);
        var blobs = other.Blobs();
        dump.EnumerateTags().Select(t => t.Tag).Should().Equal(blobs.Select(b => b.Tag));
        foreach (var (tag, data) in blobs.DistinctBy(b => b.Tag))
        {
            dump.ReadTagged(tag).Should().Equal(data);
        }

        var (pc, sp) = other.Context;
        var registers = dump.Header.GeneralRegisters().ToDictionary(r => r.Key, r => r.Value);
        (registers.GetValueOrDefault("rip", registers.GetValueOrDefault("pc")), registers.GetValueOrDefault("rsp", registers.GetValueOrDefault("sp"))).Should().Be((pc, sp));
    }

    [RealDumpTheory]
    [InlineData("triage_x64.dmp", 0x160AB4, 19041u, 0x1000007Eu, 0x8664u, 151, 1831, 20)]
    [InlineData("triage_arm64.dmp", 0x128FAC, 22000u, 0x1C8u, 0xAA64u, 245, 679, 42)]
    public void The_values_seen_in_the_real_files_are_read(string name, long length, uint build, uint code, uint machine, int drivers, int blocks, int blobs)
    {
        using var dump = DumpFile.Open(RealDumpTheoryAttribute.PathOf(name));
        var h = dump.Header;

        (dump.Length, h.MinorVersion, h.BugCheckCode, h.MachineImageType, h.DumpType, h.MiniDumpFields).Should().Be((length, build, code, machine, 4u, 0xCFFu));
        (h.PhysicalMemoryRuns.Count, h.Comment, h.ProductType, h.SuiteMask).Should().Be((0, string.Empty, 1u, 0x110u));
        h.AbsentFields.Should().Contain(["NumberOfRuns", "NumberOfPages", "Comment", "SecondaryDataState"]);
        h.RequiredDumpSpace.Should().BeGreaterThan(dump.Length, "Windows reserves more than it writes");
        (h.Exception.Code, h.Exception.Parameters.Count).Should().Be((0x80000003u, 0));
        dump.Triage!.Drivers.Should().HaveCount(drivers);
        dump.Triage.Drivers[0].Name.Should().Be(@"\SystemRoot\system32\ntoskrnl.exe");
        dump.Triage.Drivers[1].Name.Should().Be(@"\SystemRoot\system32\hal.dll");
        dump.Triage.DataBlocks.Should().HaveCount(blocks);
        dump.EnumerateTags().Should().HaveCount(blobs);
        dump.OpenSecondaryData().BuildNumber.Should().Be(build);
        dump.SecondaryDataOffset.Should().Be(dump.Triage.SizeOfDump).And.Be(dump.Triage.ValidOffset + 4);

        var walker = new KernelWalker(dump);
        walker.ModuleAt(h.Exception.Address)!.Name.Should().EndWith("ntoskrnl.exe", "the exception record is the bug check's own breakpoint");
        if (machine == 0xAA64)
        {
            (h.Arm64Context!.Pc, h.Arm64Context.Sp).Should().Be((h.Exception.Address, dump.Triage.TopOfStack));
        }
        else
        {
            h.Context.Rip.Should().Be(h.BugCheckParameter2, "the x64 crash's context is the faulting one");
            walker.ModuleAt(h.BugCheckParameter2)!.FullName.Should().Be(@"\SystemRoot\System32\drivers\amdppm.sys");
            var frame = new byte[16];
            dump.ReadVirtual(dump.Triage.TopOfStack, frame).Should().Be(16);
            BitConverter.ToUInt64(frame, 8).Should().Be(0x7E, "KeBugCheckEx's frame holds the stop code above its return address");
        }
    }

    [RealDumpTheory]
    [InlineData("triage_x64.dmp", "show", "Faulting module: amdppm.sys+0x334C")]
    [InlineData("triage_arm64.dmp", "show", "pc=fffff803f32de014")]
    [InlineData("triage_x64.dmp", "modules", @"\SystemRoot\System32\drivers\amdppm.sys")]
    [InlineData("triage_arm64.dmp", "modules", @"\SystemRoot\system32\ntoskrnl.exe")]
    [InlineData("triage_x64.dmp", "enumtag", "54C84888-01D1-4C1E-BED6-282C98241303")]
    [InlineData("triage_arm64.dmp", "enumtag", "42 tag(s)")]
    [InlineData("triage_x64.dmp", "dq", "fffff804`7be0f4e1 00000000`0000007e")]
    [InlineData("triage_x64.dmp", "extract", "written to")]
    [InlineData("triage_x64.dmp", "report", "Report written to")]
    [InlineData("triage_x64.dmp", "callbacks", "is not in the dump")]
    [InlineData("triage_arm64.dmp", "callbacks", "fvevol.sys+0x63A0")] // a real classic record, its checksum good, its component string not copied
    [InlineData("triage_arm64.dmp", "report", "Report written to")]
    public void Every_command_reads_the_real_files(string name, string command, string expected)
    {
        var path = RealDumpTheoryAttribute.PathOf(name);
        var output = CliRunner.TempPath(".out");
        try
        {
            string[] args = command switch
            {
                "dq" => ["dq", path, "0xFFFF850429890EE8", "--length", "0x10"],
                "extract" => ["extract", path, "--tag", "54c84888-01d1-4c1e-bed6-282c98241303", "--out", output],
                "report" => ["report", path, "-o", output],
                _ => [command, path],
            };
            var result = CliRunner.Run(args);
            result.Exit.Should().Be(0, result.Error);
            (result.Out + result.Error).Should().Contain(expected);
        }
        finally
        {
            File.Delete(output);
        }
    }
}
