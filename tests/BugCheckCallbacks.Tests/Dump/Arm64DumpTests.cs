using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Tests.Cli;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// ARM64 dumps are read, not simulated: a complete or kernel dump whose header says MachineImageType 0xAA64 gets its
/// header, its ARM64 registers, its physical pages and its secondary data, and one clear message for virtual reads (its
/// page tables are ARM64's, which the reader does not walk: an x64 walk would read garbage).
/// </summary>
public sealed class Arm64DumpTests
{
    [Theory]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.BitmapFull)]
    [InlineData(DumpType.Automatic)]
    public void An_ARM64_complete_or_kernel_dump_reads_its_header_pages_and_blobs_and_refuses_virtual_reads_with_one_reason(DumpType dumpType)
    {
        var file = Arm64(dumpType);
        using var dump = DumpFileTests.Open(file);

        dump.Header.MachineImageType.Should().Be(0xAA64);
        dump.Header.Arm64Context!.Pc.Should().Be(0x1111222233334444);
        dump.Header.GeneralRegisters()[0].Should().Be(new KeyValuePair<string, ulong>("pc", 0x1111222233334444));
        dump.VirtualMemoryUnavailableReason.Should().Contain("ARM64");
        dump.TryTranslate(DumpFileTests.Kva, out _).Should().BeFalse();
        dump.ReadVirtual(DumpFileTests.Kva, new byte[16]).Should().Be(0);
        dump.Translate(DumpFileTests.Kva).Failure.Should().Be(dump.VirtualMemoryUnavailableReason);
        dump.EnumerateVirtualMappings().Should().BeEmpty();
        dump.EnumeratePagingStructures().Should().BeEmpty();
        dump.ReadPhysical(dump.EnumerateStoredRuns().First().BasePage << 12, new byte[16]).Should().Be(16);
        dump.EnumerateTags().Should().NotBeEmpty();
        new KernelWalker(dump).ModuleAt(0xFFFFF80012345678).Should().BeNull();
        new KernelWalker(dump).ReadCallbackLists().Unlinked.Should().BeEmpty("carving scans virtual pages, and none translate: no record is carved from an x64 walk of ARM64 tables");
    }

    [Fact]
    public void An_x64_dump_has_no_reason_to_refuse_virtual_reads()
    {
        using var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Full).File);

        dump.VirtualMemoryUnavailableReason.Should().BeNull();
        dump.Header.Arm64Context.Should().BeNull();
    }

    [Theory]
    [InlineData("show", 0, "pc=1111222233334444")]
    [InlineData("enumtag", 0, "tag(s)")]
    [InlineData("db", 2, "An ARM64 dump's page tables are not read")]
    [InlineData("vtop", 1, "An ARM64 dump's page tables are not read")]
    public void The_CLI_reads_an_ARM64_dump_and_says_once_why_virtual_addresses_do_not_translate(string command, int exit, string expected)
    {
        var path = CliRunner.TempPath(".dmp");
        File.WriteAllBytes(path, Arm64(DumpType.Full));
        try
        {
            string[] args = command is "db" or "vtop" ? [command, path, "0xFFFF800000400000"] : [command, path];
            var result = CliRunner.Run(args);
            result.Exit.Should().Be(exit, result.Error);
            (result.Out + result.Error).Should().Contain(expected);
            if (command is "db" or "vtop")
            {
                (result.Out + result.Error).Should().NotContain("at BugCheckCallbacks", "one line, no stack trace");
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>A dump the simulated kernel wrote, its header made an ARM64 one: MachineImageType 0xAA64 and an ARM64 CONTEXT whose Pc is 0x1111222233334444.</summary>
    private static byte[] Arm64(DumpType dumpType)
    {
        var file = DumpFileTests.Write(dumpType).File;
        BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(0x30), 0xAA64);
        BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(0x348 + 0x108), 0x1111222233334444);
        return file;
    }
}
