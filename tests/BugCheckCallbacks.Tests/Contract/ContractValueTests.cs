using BugCheckCallbacks.Interop;

namespace BugCheckCallbacks.Tests.Contract;

public sealed class ContractValueTests
{
    [Theory]
    [InlineData(BugCheckCallbackReason.Invalid, 0)]
    [InlineData(BugCheckCallbackReason.Reserved1, 1)]
    [InlineData(BugCheckCallbackReason.SecondaryDumpData, 2)]
    [InlineData(BugCheckCallbackReason.DumpIo, 3)]
    [InlineData(BugCheckCallbackReason.AddPages, 4)]
    [InlineData(BugCheckCallbackReason.SecondaryMultiPartDumpData, 5)]
    [InlineData(BugCheckCallbackReason.RemovePages, 6)]
    [InlineData(BugCheckCallbackReason.TriageDumpData, 7)]
    [InlineData(BugCheckCallbackReason.Reserved2, 8)]
    [InlineData(BugCheckCallbackReason.Reserved3, 9)]
    public void Reason_has_the_wdm_value(BugCheckCallbackReason reason, int value) => ((int)reason).Should().Be(value);

    [Fact]
    public void Reason_has_exactly_ten_members() => Enum.GetValues<BugCheckCallbackReason>().Should().HaveCount(10);

    [Theory]
    [InlineData(DumpIoType.Invalid, 0)]
    [InlineData(DumpIoType.Header, 1)]
    [InlineData(DumpIoType.Body, 2)]
    [InlineData(DumpIoType.SecondaryData, 3)]
    [InlineData(DumpIoType.Complete, 4)]
    public void DumpIoType_has_the_wdm_value(DumpIoType type, int value) => ((int)type).Should().Be(value);

    [Theory]
    [InlineData(BufferDumpState.Empty, 0)]
    [InlineData(BufferDumpState.Inserted, 1)]
    [InlineData(BufferDumpState.Started, 2)]
    [InlineData(BufferDumpState.Finished, 3)]
    [InlineData(BufferDumpState.Incomplete, 4)]
    public void BufferDumpState_has_the_wdm_value(BufferDumpState state, int value) => ((int)state).Should().Be(value);

    [Theory]
    [InlineData(DumpType.Invalid, NativeConstants.DUMP_TYPE_INVALID, -1)]
    [InlineData(DumpType.Unknown, NativeConstants.DUMP_TYPE_UNKNOWN, 0)]
    [InlineData(DumpType.Full, NativeConstants.DUMP_TYPE_FULL, 1)]
    [InlineData(DumpType.Summary, NativeConstants.DUMP_TYPE_SUMMARY, 2)]
    [InlineData(DumpType.Header, NativeConstants.DUMP_TYPE_HEADER, 3)]
    [InlineData(DumpType.Triage, NativeConstants.DUMP_TYPE_TRIAGE, 4)]
    [InlineData(DumpType.BitmapFull, NativeConstants.DUMP_TYPE_BITMAP_FULL, 5)]
    [InlineData(DumpType.BitmapKernel, NativeConstants.DUMP_TYPE_BITMAP_KERNEL, 6)]
    [InlineData(DumpType.Automatic, NativeConstants.DUMP_TYPE_AUTOMATIC, 7)]
    public void DumpType_has_the_wdm_value(DumpType type, int native, int value)
    {
        ((int)type).Should().Be(value);
        native.Should().Be(value);
    }

    [Fact]
    public void DumpType_has_exactly_nine_members() => Enum.GetValues<DumpType>().Should().HaveCount(9);

    [Theory]
    [InlineData("KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA", (uint)SecondaryDataFlags.AdditionalData, NativeConstants.KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA, 0x1u)]
    [InlineData("KB_SECONDARY_DATA_FLAG_NO_DEVICE_ACCESS", (uint)SecondaryDataFlags.NoDeviceAccess, NativeConstants.KB_SECONDARY_DATA_FLAG_NO_DEVICE_ACCESS, 0x2u)]
    [InlineData("KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS", (uint)PageRangeFlags.VirtualAddress, NativeConstants.KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS, 0x1u)]
    [InlineData("KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS", (uint)PageRangeFlags.PhysicalAddress, NativeConstants.KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS, 0x2u)]
    [InlineData("KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST", (uint)PageRangeFlags.AdditionalRangesExist, NativeConstants.KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST, 0x80000000u)]
    [InlineData("KB_REMOVE_PAGES_FLAG_VIRTUAL_ADDRESS", (uint)PageRangeFlags.VirtualAddress, NativeConstants.KB_REMOVE_PAGES_FLAG_VIRTUAL_ADDRESS, 0x1u)]
    [InlineData("KB_REMOVE_PAGES_FLAG_PHYSICAL_ADDRESS", (uint)PageRangeFlags.PhysicalAddress, NativeConstants.KB_REMOVE_PAGES_FLAG_PHYSICAL_ADDRESS, 0x2u)]
    [InlineData("KB_REMOVE_PAGES_FLAG_ADDITIONAL_RANGES_EXIST", (uint)PageRangeFlags.AdditionalRangesExist, NativeConstants.KB_REMOVE_PAGES_FLAG_ADDITIONAL_RANGES_EXIST, 0x80000000u)]
    [InlineData("KB_TRIAGE_DUMP_DATA_FLAG_BUGCHECK_ACTIVE", (uint)TriageDumpDataFlags.BugCheckActive, NativeConstants.KB_TRIAGE_DUMP_DATA_FLAG_BUGCHECK_ACTIVE, 0x1u)]
    [InlineData("KE_MAX_TRIAGE_DUMP_DATA_MEMORY_SIZE", TriageDumpDataArray.MaxMemorySize, NativeConstants.KE_MAX_TRIAGE_DUMP_DATA_MEMORY_SIZE, 0x02000000u)]
    public void Flag_has_the_wdm_value(string name, uint managed, uint native, uint expected)
    {
        managed.Should().Be(expected, name);
        native.Should().Be(expected, name);
    }

    [Theory]
    [InlineData(NtStatus.Success, 0x00000000u)]
    [InlineData(NtStatus.QuotaExceeded, 0xC0000044u)]
    [InlineData(NtStatus.InsufficientResources, 0xC000009Au)]
    [InlineData(NtStatus.InvalidParameter2, 0xC00000F0u)]
    [InlineData(NtStatus.InvalidParameter3, 0xC00000F1u)]
    [InlineData(NtStatus.InvalidDeviceState, 0xC0000184u)]
    public void NtStatus_has_the_real_value(NtStatus status, uint value) => unchecked((uint)(int)status).Should().Be(value);

    [Theory]
    [InlineData(0ul, 0x1000ul, 0x1000ul)]
    [InlineData(0xFFFFFFFFFFFFF000ul, 0x1000ul, null)]
    [InlineData(0xFFFFFFFFFFFFE000ul, 0x1000ul, 0xFFFFFFFFFFFFF000ul)]
    public void AddressRange_End_is_null_when_the_range_wraps(ulong address, ulong size, ulong? end) =>
        new AddressRange(address, size).End.Should().Be(end);
}
