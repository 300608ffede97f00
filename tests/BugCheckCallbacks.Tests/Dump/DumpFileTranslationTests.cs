using System.Buffers.Binary;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary><see cref="DumpFile.Translate"/> (the walk, level by level) and <see cref="DumpFile.EnumerateVirtualMappings"/>.</summary>
public sealed class DumpFileTranslationTests
{
    [Theory]
    [InlineData(DumpType.Summary)]
    [InlineData(DumpType.Full)]
    [InlineData(DumpType.BitmapFull)]
    public void Translate_shows_the_four_levels_the_file_holds_and_agrees_with_TryTranslate(DumpType dumpType)
    {
        var file = DumpFileTests.Write(dumpType).File;
        using var dump = DumpFileTests.Open(file);
        var address = DumpFileTests.Kva + 0x123;
        var translation = dump.Translate(address);

        dump.TryTranslate(address, out var physical).Should().BeTrue();
        translation.PhysicalAddress.Should().Be(physical);
        translation.Failure.Should().BeNull();
        translation.Steps.Select(s => s.Level).Should().Equal(4, 3, 2, 1);
        translation.Steps.Select(s => s.Name).Should().Equal("PXE", "PPE", "PDE", "PTE");
        translation.Steps[0].TableAddress.Should().Be(dump.Header.DirectoryTableBase & ~0xFFFUL);
        foreach (var step in translation.Steps)
        {
            step.Index.Should().Be((int)((address >> (12 + (9 * (step.Level - 1)))) & 0x1FF));
            var offset = dump.GetPageFileOffset(step.TableAddress >> 12) + (step.Index * 8);
            step.Entry.Should().Be(BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan((int)offset)), "the entry is the file's bytes");
            (step.IsValid, step.IsLargePage).Should().Be((true, false));
        }

        translation.Steps.Zip(translation.Steps.Skip(1)).Should().OnlyContain(pair => pair.First.Target == pair.Second.TableAddress, "each entry leads to the next table");
        (translation.Steps[^1].Target | (address & 0xFFF)).Should().Be(physical);
    }

    [Theory]
    [InlineData(0x1234UL, "The PXE at physical")]
    [InlineData(0x8000_0000_0000_0000UL, "is not canonical")]
    public void An_address_that_does_not_translate_says_why(ulong address, string why)
    {
        using var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Summary).File);
        var translation = dump.Translate(address);
        translation.PhysicalAddress.Should().BeNull();
        translation.Failure.Should().Contain(why);
        dump.TryTranslate(address, out _).Should().BeFalse();
        if (translation.Steps.Count > 0)
        {
            translation.Steps[^1].IsValid.Should().BeFalse();
        }
    }

    [Fact]
    public void A_small_memory_dump_has_no_walk_and_no_mappings()
    {
        using var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Triage).File);
        dump.Translate(DumpFileTests.Kva).Failure.Should().Contain("small memory dump has no page tables");
        dump.EnumerateVirtualMappings().Should().BeEmpty();
    }

    [Fact]
    public void The_virtual_mappings_are_runs_contiguous_on_both_sides_that_translate_page_by_page()
    {
        using var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Summary).File);
        var mappings = dump.EnumerateVirtualMappings().ToList();
        mappings.Should().NotBeEmpty();
        mappings.Select(m => m.VirtualAddress).Should().BeInAscendingOrder();
        mappings.Should().Contain(m => m.VirtualAddress <= DumpFileTests.Kva && DumpFileTests.Kva < m.VirtualAddress + (m.PageCount << 12));
        foreach (var mapping in mappings)
        {
            foreach (var page in new[] { 0UL, mapping.PageCount - 1 })
            {
                dump.TryTranslate(mapping.VirtualAddress + (page << 12), out var physical).Should().BeTrue();
                physical.Should().Be(mapping.PhysicalAddress + (page << 12));
                dump.ContainsPage(physical >> 12).Should().BeTrue();
            }
        }

        mappings.Zip(mappings.Skip(1)).Should().NotContain(
            pair => pair.First.VirtualAddress + (pair.First.PageCount << 12) == pair.Second.VirtualAddress && pair.First.PhysicalAddress + (pair.First.PageCount << 12) == pair.Second.PhysicalAddress,
            "runs that continue each other are one run");
    }

    [Fact]
    public void A_disposed_reader_refuses_both()
    {
        var dump = DumpFileTests.Open(DumpFileTests.Write(DumpType.Summary).File);
        dump.Dispose();
        dump.Invoking(d => d.Translate(0)).Should().Throw<ObjectDisposedException>();
        dump.Invoking(d => d.EnumerateVirtualMappings()).Should().Throw<ObjectDisposedException>();
    }
}
