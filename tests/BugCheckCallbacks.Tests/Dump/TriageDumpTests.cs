using System.Buffers.Binary;
using System.Text;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Cli;
using BugCheckCallbacks.Tests.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>Small memory dumps (DumpType 4): what a triage crash writes, read back by the library and by an independent reader.</summary>
public sealed class TriageDumpTests
{
    internal const ulong Buffer = 0xFFFF800000400000;
    private static readonly Guid s_tag = Guid.Parse("7e1a9e00-0000-4000-8000-000000000001");
    private static readonly Guid s_parts = Guid.Parse("7e1a9e00-0000-4000-8000-000000000002");
    private static readonly byte[] s_text = "triage.sys: last request 0x2A, queue depth 3"u8.ToArray();

    /// <summary>A triage crash with two triage blocks (the second overlapping the first), secondary data and a parameter that points at mapped memory.</summary>
    internal static (byte[] File, BugCheckOutcome Outcome) Write(uint multiPartReservation = 0x80)
    {
        var content = new byte[0x4000];
        s_text.CopyTo(content, 0);
        "second block"u8.CopyTo(content.AsSpan(0x2000));
        var map = new SimulatedMemoryMap(SimulatedMemoryMap.Default.Regions.Append(new MemoryRegion(AddressSpace.Virtual, new AddressRange(Buffer, 0x4000), content)));
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Triage, MemoryMap = map, MultiPartReservation = multiPartReservation });
        var array = new TriageDumpDataArray(0x100);
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "triage.sys", (_, _, data) =>
        {
            array.Initialize(0x100);
            array.AddBlock(Buffer, 0x200);
            array.AddBlock(Buffer + 0x100, 0x200); // overlaps the first
            array.AddBlock(Buffer + 0x2000, 0x10);
            ((TriageDumpData)data!).DataArray = array;
        });
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "log.sys", Callbacks.SecondaryWriter(s_tag, "small dump log"u8.ToArray()));
        kernel.Register(BugCheckCallbackReason.SecondaryMultiPartDumpData, "parts.sys", Callbacks.MultiPartWriter(s_parts, 2, 8));
        var sink = new InMemoryDumpSink();
        var outcome = kernel.KeBugCheckEx(0xD1, 0xFFFFD00012345678, 2, 0, Buffer + 0x2008, sink);
        outcome.Violations.Should().BeEmpty();
        return (sink.ToArray(), outcome);
    }

    [Fact]
    public void A_triage_crash_writes_a_small_memory_dump_whose_data_blocks_hold_the_triage_callbacks_bytes()
    {
        var (file, outcome) = Write();
        using var dump = DumpFile.Open(new MemoryStream(file));

        (dump.Header.DumpType, dump.Layout, dump.StoredPageCount, dump.Header.RequiredDumpSpace).Should().Be((4u, DumpBodyLayout.Triage, 0UL, file.LongLength));
        var triage = dump.Triage!;
        triage.Fields.Should().Be(
            TriageDumpFields.Context | TriageDumpFields.Exception | TriageDumpFields.Prcb | TriageDumpFields.Process | TriageDumpFields.Thread | TriageDumpFields.Stack |
            TriageDumpFields.MmInfo | TriageDumpFields.DriverList | TriageDumpFields.DebuggerData | TriageDumpFields.DataBlocks | TriageDumpFields.DataPage);
        triage.DataBlocks.Select(b => (b.Address, (ulong)b.Size)).Should().Equal(outcome.TriageBlocks.Select(b => (b.Address, b.Size)));
        var bytes = new byte[s_text.Length];
        dump.ReadVirtual(Buffer, bytes).Should().Be(bytes.Length);
        bytes.Should().Equal(s_text);
        var across = new byte[0x300];
        dump.ReadVirtual(Buffer, across).Should().Be(0x300, "the overlapping blocks cover [Buffer, Buffer + 0x300) together");
        dump.ReadVirtual(Buffer + 0x300, new byte[1]).Should().Be(0, "no block holds it");
        dump.ReadVirtual(Buffer + 0x2000, bytes.AsSpan(0, 12)).Should().Be(12);
        Encoding.ASCII.GetString(bytes, 0, 12).Should().Be("second block");
        triage.DataPage.Should().Be(new TriageDumpBlock(Buffer + 0x2000, triage.DataPageOffset, 0x1000), "parameter 4 points into mapped memory");

        // Full paths, as Windows lists them: the kernel and the HAL in system32, the drivers in system32\drivers.
        triage.Drivers.Select(d => (d.Name, d.DllBase, (ulong)d.SizeOfImage)).Should().Equal(outcome.Kernel!.Modules.Select((m, i) => ((i < 2 ? @"\SystemRoot\system32\" : @"\SystemRoot\System32\drivers\") + m.Name, m.Base, m.Size)));
        var kdbg = new byte[0x18];
        dump.ReadVirtual(dump.Header.KdDebuggerDataBlock, kdbg).Should().Be(0x18, "the KDDEBUGGER_DATA64 copy answers at its address");
        Encoding.ASCII.GetString(kdbg, 0x10, 4).Should().Be("KDBG");
        new KernelWalker(dump).ModuleAt(Buffer + 0x2008).Should().BeNull();
        new KernelWalker(dump).ModuleAt(outcome.Kernel.Modules[1].Base + 4)!.FullName.Should().Be(@"\SystemRoot\system32\hal.dll");

        dump.ContainsPage(0x1AD).Should().BeFalse();
        dump.TryTranslate(Buffer, out _).Should().BeFalse("a small memory dump has no page tables");
        dump.EnumerateStoredRuns().Should().BeEmpty();
        dump.ReadTagged(s_tag).Should().Equal("small dump log"u8.ToArray());
        dump.EnumerateTags().Should().HaveCount(3);
        dump.SecondaryDataOffset.Should().Be(dump.BodyEnd).And.Be(triage.SizeOfDump, "SizeOfDump is a file offset, as Windows writes it");
    }

    [Fact]
    public void An_independent_reader_agrees_with_the_library_on_every_field_driver_block_and_blob()
    {
        var (file, _) = Write();
        using var dump = DumpFile.Open(new MemoryStream(file));
        var triage = dump.Triage!;
        var other = new IndependentTriageReader(file);

        (other.Fields, other.SizeOfDump, other.ContextOffset, other.ExceptionOffset, other.DebuggerDataOffset, other.DataPageAddress, other.DataPageOffset)
            .Should().Be(((uint)triage.Fields, triage.SizeOfDump, triage.ContextOffset, triage.ExceptionOffset, triage.DebuggerDataOffset, triage.DataPageAddress, triage.DataPageOffset));
        other.Drivers.Should().Equal(triage.Drivers.Select(d => (d.Name, d.DllBase, d.SizeOfImage)));
        other.Blocks.Should().Equal(triage.DataBlocks.Select(b => (b.Address, (int)b.Offset, (int)b.Size)));
        foreach (var block in triage.DataBlocks)
        {
            var mine = new byte[block.Size];
            dump.ReadVirtual(block.Address, mine).Should().Be((int)block.Size);
            other.Read(block.Address, (int)block.Size).Should().Equal(mine);
        }

        other.RegionOffset.Should().Be((int)dump.SecondaryDataOffset);
        file.AsSpan((int)triage.ContextOffset, DumpHeader64Size.Context).SequenceEqual(file.AsSpan(0x348, DumpHeader64Size.Context)).Should().BeTrue("the CONTEXT copy is the header's");
        file.AsSpan((int)triage.ExceptionOffset, 0x98).SequenceEqual(file.AsSpan(0xF00, 0x98)).Should().BeTrue("the exception copy is the header's");
    }

    [Fact]
    public void The_small_dump_is_laid_out_as_Windows_lays_it_out_field_for_field()
    {
        var (file, outcome) = Write();
        var other = new IndependentTriageReader(file);
        using var dump = DumpFile.Open(new MemoryStream(file));

        foreach (var filler in new[] { 0x3C, 0x88, 0x90, 0xF9C, 0xFB0, 0x103C })
        {
            Encoding.ASCII.GetString(file, filler, 4).Should().Be("PAGE", $"Windows leaves 0x{filler:X} unused in a small memory dump");
        }

        (other.ContextOffset, other.ExceptionOffset, ReadU32(file, 0x2014), ReadU32(file, 0x2044)).Should().Be((0x348u, 0xF00u, 0x2080u, 0xFFFFFFFFu), "the header's own records; MmOffset right after PAGEDUMP_TRIAGE; TriageOptions");
        uint[] order = [ReadU32(file, 0x2014), ReadU32(file, 0x2018), ReadU32(file, 0x201C), ReadU32(file, 0x2020), ReadU32(file, 0x2024), ReadU32(file, 0x2028), ReadU32(file, 0x2070), ReadU32(file, 0x2030), ReadU32(file, 0x2038), ReadU32(file, 0x2078)];
        order.Should().BeInAscendingOrder("MM, unloaded drivers, PRCB, process, thread, stack, KDBG, drivers, names, blocks: Windows' order").And.OnlyHaveUniqueItems();
        (ReadU32(file, 0x2038) - ReadU32(file, 0x2030)).Should().Be(ReadU32(file, 0x2034) * 0x90, "0x90-byte driver entries, the string pool right after them");
        other.Drivers.Select(d => d.Name).Should().AllSatisfy(n => n.Should().StartWith(@"\SystemRoot\"));
        ((ulong)other.SizeOfDump).Should().Be((ulong)other.ValidOffset + 4);
        other.RegionOffset.Should().Be((int)dump.SecondaryDataOffset);
        other.Blobs().Select(b => b.Tag).Should().Equal(dump.EnumerateTags().Select(t => t.Tag));
        other.Context.Should().Be((dump.Header.Context.Rip, dump.Header.Context.Rsp));
        other.TopOfStack.Should().Be(dump.Header.Context.Rsp, "the stack is copied from the bug check's stack pointer up");
        BitConverter.ToUInt64(other.Stack, 0x28).Should().Be(outcome.BugCheckParameter4, "KeBugCheckEx's fifth argument is on the crashing thread's stack");
        ((TriageDumpFields)other.Fields).Should().HaveFlag(TriageDumpFields.Prcb | TriageDumpFields.Process | TriageDumpFields.Thread | TriageDumpFields.Stack);
    }

    [Fact]
    public void The_triage_data_ends_on_a_page_and_the_marker_is_its_last_u32()
    {
        var (file, _) = Write();
        using var dump = DumpFile.Open(new MemoryStream(file));
        var triage = dump.Triage!;
        (triage.SizeOfDump % 0x1000).Should().Be(0);
        triage.ValidOffset.Should().Be(triage.SizeOfDump - 4, "SizeOfDump = ValidOffset + 4, both file offsets");
        file.AsSpan((int)triage.ValidOffset, 4).ToArray().Should().Equal("TRGD"u8.ToArray());
    }

    public static TheoryData<string, int, Action<byte[]>> Lies() => new()
    {
        { "SizeOfDump", 0x2004, f => U32(f, 0x2004, 0xFFFFFFF0) },
        { "SizeOfDump", 0x2004, f => U32(f, 0x2004, 4) },
        { "ValidOffset", 0x2008, f => U32(f, 0x2008, 0xFFFFFFFE) },
        { "TRIAGE_DUMP_VALID", -1, f => U32(f, (int)ReadU32(f, 0x2008), 0) },
        { "ContextOffset", 0x200C, f => U32(f, 0x200C, (uint)f.Length - 0x10) },
        { "ContextOffset", 0x200C, f => U32(f, 0x200C, 0) },
        { "ExceptionOffset", 0x2010, f => U32(f, 0x2010, (uint)f.Length - 0x10) },
        { "DebuggerDataOffset", 0x2070, f => U32(f, 0x2074, 0xFFFFFFFF) },
        { "DataBlocksCount 268,435,456 is more than the 1,048,576 this reader holds", 0x207C, f => U32(f, 0x207C, 0x10000000) },
        { "DataBlocksCount: 0x800000 bytes at", 0x207C, f => U32(f, 0x207C, 0x80000) },
        { "a data block's Offset and Size", -2, f => U32(f, (int)ReadU32(f, 0x2078) + 12, 0xFFFFFFFF) },
        { "a data block's Offset and Size", -2, f => U32(f, (int)ReadU32(f, 0x2078) + 8, 0x100) }, // bytes in the header
        { "a data block's Offset and Size", -2, f => U32(f, (int)ReadU32(f, 0x2078) + 8, ReadU32(f, 0x2004) - 2) }, // past SizeOfDump
        { "run into the string pool", 0x2034, f => U32(f, 0x2034, ReadU32(f, 0x2034) + 1) }, // a lying stride
        { "past the top of the address space", -3, f => U64(f, (int)ReadU32(f, 0x2078), 0xFFFFFFFFFFFFFF00) },
        { "DataPageOffset", 0x2068, f => U32(f, 0x206C, 0x7FFFFFFF) },
        { "past the top of the address space", 0x2060, f => U64(f, 0x2060, ulong.MaxValue) },
        { "DriverCount 16,777,216 is more than the 1,048,576 this reader holds", 0x2034, f => U32(f, 0x2034, 0x01000000) },
        { "DriverCount: 0x", 0x2034, f => U32(f, 0x2034, 0x80000) },
        { "StringPoolOffset", 0x2038, f => U32(f, 0x203C, 0xFFFFFF00) },
        { "is not in the string pool", -4, f => U32(f, (int)ReadU32(f, 0x2030), 0x100) },
        { "runs past the string pool", -5, f => U32(f, (int)ReadU32(f, 0x2038), 0x7FFFFFFF) },
    };

    [Theory]
    [MemberData(nameof(Lies))]
    public void A_lying_field_is_an_InvalidDumpException_with_its_offset(string reason, int offset, Action<byte[]> lie)
    {
        var (file, _) = Write();
        var expected = offset switch
        {
            -1 => ReadU32(file, 0x2008),
            -2 => ReadU32(file, 0x2078) + 8,
            -3 => ReadU32(file, 0x2078),
            -4 => ReadU32(file, 0x2030),
            -5 => ReadU32(file, 0x2038),
            _ => (uint)offset,
        };
        lie(file);

        var act = () => DumpFile.Open(new MemoryStream(file));

        act.Should().Throw<InvalidDumpException>().Where(e => e.Offset == expected).WithMessage($"*{reason}*");
    }

    [Fact]
    public void Driver_names_that_overlap_in_the_string_pool_are_refused_before_they_cost_more_than_the_pool()
    {
        var (file, _) = Write();
        var list = (int)ReadU32(file, 0x2030);
        var count = (int)ReadU32(file, 0x2034);
        var pool = ReadU32(file, 0x2038);
        var stride = ((int)pool - list) / count;
        U32(file, (int)pool, (ReadU32(file, 0x203C) / 2) - 2); // the first name now spans the whole pool
        for (var i = 0; i < count; i++)
        {
            U32(file, list + (i * stride), pool + (uint)(4 * (i % 2))); // and every entry reads it, from two offsets
        }

        U32(file, (int)pool + 4, (ReadU32(file, 0x203C) / 2) - 4);
        var act = () => DumpFile.Open(new MemoryStream(file));

        act.Should().Throw<InvalidDumpException>().WithMessage("*overlap*");
    }

    [Fact]
    public void Cut_at_every_offset_or_with_any_byte_flipped_a_small_dump_reads_what_it_holds_or_throws_InvalidDumpException()
    {
        var (file, _) = Write();
        for (var length = 0; length < file.Length; length++)
        {
            ReadEverything(file.AsSpan(0, length).ToArray(), length);
        }

        for (var offset = 0; offset < file.Length; offset++)
        {
            file[offset] ^= 0xFF;
            ReadEverything(file, offset);
            file[offset] ^= 0xFF;
        }
    }

    [Fact]
    public void A_small_dump_of_a_hundred_thousand_modules_and_blocks_round_trips()
    {
        const int N = 100_000;
        var content = new byte[N * 8];
        for (var i = 0; i < N; i++)
        {
            BinaryPrimitives.WriteInt32LittleEndian(content.AsSpan(i * 8), i);
        }

        var map = new SimulatedMemoryMap(SimulatedMemoryMap.Default.Regions.Append(new MemoryRegion(AddressSpace.Virtual, new AddressRange(Buffer, 0xC4000), content)));
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Triage, MemoryMap = map, DetectAllocations = false, Log = InvocationLog.None });
        var array = new TriageDumpDataArray(TriageDumpDataArray.HeaderSize + (N * TriageDumpDataArray.BlockSize));
        kernel.Register(BugCheckCallbackReason.TriageDumpData, "many.sys", (_, _, data) =>
        {
            array.Initialize(TriageDumpDataArray.HeaderSize + (N * TriageDumpDataArray.BlockSize));
            for (var i = N - 1; i >= 0; i--)
            {
                array.AddBlock(Buffer + ((ulong)i * 8), 8); // highest address first: the reader sorts
            }

            ((TriageDumpData)data!).DataArray = array;
        });
        for (var i = 0; i < N; i++)
        {
            kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, _) => { }, BugCheckCallbackReason.Reserved1, $"d{i}.sys");
        }

        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0x1, sink: sink).Violations.Should().BeEmpty();

        using var dump = sink.Open();
        var triage = dump.Triage!;
        triage.DataBlocks.Should().HaveCount(N);
        triage.Drivers.Should().HaveCount(N + 3, "ntoskrnl.exe, hal.dll, many.sys and a module per component");
        triage.Drivers[^1].Name.Should().Be(@"\SystemRoot\System32\drivers\d99999.sys");
        var all = new byte[content.Length];
        dump.ReadVirtual(Buffer, all).Should().Be(all.Length, "the blocks are contiguous in virtual memory");
        all.Should().Equal(content);
        new IndependentTriageReader(sink.ToArray()).Drivers.Should().HaveCount(N + 3);
    }

    [Theory]
    [InlineData("show")]
    [InlineData("enumtag")]
    [InlineData("db")]
    [InlineData("extract")]
    [InlineData("modules")]
    public void The_CLI_reads_a_small_memory_dump(string command)
    {
        var path = CliRunner.TempPath(".dmp");
        File.WriteAllBytes(path, Write().File);
        try
        {
            var args = command switch
            {
                "db" => new[] { "db", path, "0xFFFF800000400000", "--length", "0x20" },
                "extract" => ["extract", path, "--tag", s_tag.ToString(), "--out", path + ".bin"],
                _ => [command, path],
            };
            var result = CliRunner.Run(args);
            result.Exit.Should().Be(0, result.Error);
            var expected = command switch
            {
                "show" => "4 (Triage: small memory dump (triage))",
                "enumtag" => s_tag.ToString().ToUpperInvariant(),
                "db" => "triage.sys: last",
                "modules" => "ntoskrnl.exe",
                _ => "14 bytes of {" + s_tag + "} (block 1) written to",
            };
            (result.Out + result.Error).Should().Contain(expected);
            if (command == "show")
            {
                result.Out.Should().Contain("PAGEDUMP_TRIAGE").And.Contain("0xFFFF800000400100").And.Contain("Faulting module:");
            }

            if (command == "extract")
            {
                File.ReadAllBytes(path + ".bin").Should().Equal("small dump log"u8.ToArray());
            }
        }
        finally
        {
            File.Delete(path);
            File.Delete(path + ".bin");
        }
    }

    /// <summary>Every reader entry point a small dump has; only <see cref="InvalidDumpException"/> may escape.</summary>
    internal static void ReadEverything(byte[] file, int where)
    {
        try
        {
            using var dump = DumpFile.Open(new MemoryStream(file));
            var bytes = new byte[0x400];
            foreach (var block in dump.Triage?.DataBlocks.Take(16) ?? [])
            {
                dump.ReadVirtual(block.Address, bytes);
            }

            dump.ReadVirtual(Buffer, bytes);
            _ = new KernelWalker(dump).ReadModules();
            foreach (var tag in dump.EnumerateTags().Take(16))
            {
                dump.TryReadTagged(tag.Tag, 0, bytes, out _, out _);
            }
        }
        catch (InvalidDumpException)
        {
        }
        catch (Exception exception)
        {
            throw new InvalidOperationException($"At 0x{where:X}: {exception.GetType().Name}: {exception.Message}", exception);
        }
    }

    private static uint ReadU32(byte[] file, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));

    private static void U32(byte[] file, int offset, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(offset), value);

    private static void U64(byte[] file, int offset, ulong value) => BinaryPrimitives.WriteUInt64LittleEndian(file.AsSpan(offset), value);

    private static class DumpHeader64Size
    {
        public const int Context = 0x4D0;
    }
}
