namespace BugCheckCallbacks.Tests.Contract;

public sealed class ReasonCallbackDataTests
{
    [Fact]
    public void SecondaryDumpData_size_query_has_no_out_buffer_and_a_cleared_tag()
    {
        var data = new SecondaryDumpData(64) { Guid = Guid.NewGuid(), OutBufferLength = 9 };
        data.PrepareSizeQuery(1000);
        data.IsSizeQuery.Should().BeTrue();
        data.OutBuffer.Length.Should().Be(0);
        data.OutBufferLength.Should().Be(0);
        data.Guid.Should().Be(Guid.Empty);
        data.MaximumAllowed.Should().Be(1000);
        data.InBufferLength.Should().Be(64);
    }

    [Fact]
    public void SecondaryDumpData_data_call_starts_with_OutBuffer_equal_to_a_zeroed_InBuffer()
    {
        var data = new SecondaryDumpData(64);
        data.InBuffer.Span.Fill(0xAA);
        data.PrepareDataCall(500);
        data.IsSizeQuery.Should().BeFalse();
        data.OutBuffer.Equals((ReadOnlyMemory<byte>)data.InBuffer).Should().BeTrue();
        data.InBuffer.ToArray().Should().OnlyContain(b => b == 0);
        data.MaximumAllowed.Should().Be(500);
    }

    [Fact]
    public void SetOutput_sets_buffer_and_length()
    {
        var data = new SecondaryDumpData(16);
        var mine = new byte[100];
        data.SetOutput(mine.AsMemory(10, 50));
        data.OutBuffer.Length.Should().Be(50);
        data.OutBufferLength.Should().Be(50);
    }

    [Fact]
    public void SecondaryDumpDataEx_keeps_the_shared_members_and_adds_its_own()
    {
        var data = new SecondaryDumpDataEx(16) { Context = 42, Flags = SecondaryDataFlags.AdditionalData };
        data.DumpType = DumpType.Full;
        data.BugCheck = new BugCheckParameters(0xD1, 1, 2, 3, 4);
        data.PrepareDataCall(10);
        data.Context.Should().Be(42, "Context survives between calls");
        data.Flags.Should().Be(SecondaryDataFlags.AdditionalData);
        (data.DumpType, data.BugCheckCode, data.BugCheckParameter1, data.BugCheckParameter2, data.BugCheckParameter3, data.BugCheckParameter4)
            .Should().Be((DumpType.Full, 0xD1u, 1ul, 2ul, 3ul, 4ul));
    }

    [Fact]
    public void DumpIoData_reports_what_is_written()
    {
        var data = new DumpIoData();
        var bytes = new byte[] { 1, 2, 3 };
        data.Prepare(DumpIoType.Body, DumpIoData.SequentialOffset, bytes);
        (data.Type, data.Offset, data.BufferLength).Should().Be((DumpIoType.Body, -1L, 3u));
        data.Buffer.ToArray().Should().Equal(bytes);
    }

    [Theory]
    [InlineData(typeof(AddPagesData))]
    [InlineData(typeof(RemovePagesData))]
    public void PageRangeData_zeroes_the_context_only_on_the_first_call(Type type)
    {
        PageRangeData data = type == typeof(AddPagesData) ? new AddPagesData() : new RemovePagesData();
        data.PrepareFirstCall(0x50);
        data.Context.Should().Be(0);
        data.BugCheckCode.Should().Be(0x50);
        data.Context = 7;
        data.Flags = PageRangeFlags.VirtualAddress | PageRangeFlags.AdditionalRangesExist;
        data.Address = 0x1000;
        data.Count = 2;
        data.PrepareNextCall();
        (data.Context, data.Flags, data.Address, data.Count).Should().Be(((nint)7, PageRangeFlags.None, 0ul, 0ul));
    }

    [Fact]
    public void TriageDumpData_carries_the_bug_check_and_takes_an_array()
    {
        var array = new TriageDumpDataArray(0x40);
        var data = new TriageDumpData
        {
            Flags = TriageDumpDataFlags.BugCheckActive,
            MaxVirtMemSize = 0x1000,
            BugCheck = new BugCheckParameters(0x9F, 1, 2, 3, 4),
            DataArray = array,
        };
        data.DataArray.Should().BeSameAs(array);
        (data.Flags, data.MaxVirtMemSize, data.BugCheckCode, data.BugCheckParameter1, data.BugCheckParameter4).Should().Be((TriageDumpDataFlags.BugCheckActive, 0x1000u, 0x9Fu, 1ul, 4ul));
    }

    [Theory]
    [InlineData(0xD1u, 0xFFFFD00012345678UL, 2UL, 0UL, 0xFFFFF80012345678UL, "STOP 0x000000D1 (0xFFFFD00012345678, 0x2, 0x0, 0xFFFFF80012345678)")]
    [InlineData(0u, 0UL, 0UL, 0UL, 0UL, "STOP 0x00000000 (0x0, 0x0, 0x0, 0x0)")]
    [InlineData(0xFFFFFFFFu, ulong.MaxValue, 1UL, 0x10UL, 0xABCUL, "STOP 0xFFFFFFFF (0xFFFFFFFFFFFFFFFF, 0x1, 0x10, 0xABC)")]
    public void BugCheckParameters_reads_as_the_blue_screen_shows_a_stop(uint code, ulong p1, ulong p2, ulong p3, ulong p4, string expected)
    {
        var stop = new BugCheckParameters(code, p1, p2, p3, p4);

        stop.ToString().Should().Be(expected);
        stop.Should().Be(new BugCheckParameters(code, p1, p2, p3, p4)).And.NotBe(stop with { Parameter3 = p3 + 1 });
    }

    [Fact]
    public void PartIndex_is_the_context_as_a_part_counter()
    {
        var data = SecondaryDumpDataEx.ForCall(0x1000);
        data.PartIndex.Should().Be(0, "the context is zero before the first call");
        data.PartIndex++;
        (data.PartIndex, data.Context).Should().Be((1, (nint)1));
        data.Context = 7;
        data.PartIndex.Should().Be(7);
        data.Invoking(d => d.PartIndex = -1).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("value");
        data.Context.Should().Be(7, "a refused value changes nothing");
    }
}
