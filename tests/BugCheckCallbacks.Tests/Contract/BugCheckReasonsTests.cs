using BugCheckCallbacks.Interop;

namespace BugCheckCallbacks.Tests.Contract;

public sealed class BugCheckReasonsTests
{
    public static TheoryData<BugCheckCallbackReason> AllReasons() => new(Enum.GetValues<BugCheckCallbackReason>());

    [Fact]
    public void All_lists_every_reason_in_value_order() =>
        BugCheckReasons.All.Select(info => info.Reason).Should().Equal(Enum.GetValues<BugCheckCallbackReason>());

    [Theory]
    [MemberData(nameof(AllReasons))]
    public void Native_name_is_the_KBUGCHECK_CALLBACK_REASON_member_name(BugCheckCallbackReason reason)
    {
        var info = BugCheckReasons.Get(reason);
        info.NativeName.Should().Be(Enum.GetName(reason.ToNative()));
        info.Value.Should().Be((int)reason);
    }

    [Theory]
    [InlineData(BugCheckCallbackReason.Invalid, null, null, false)]
    [InlineData(BugCheckCallbackReason.Reserved1, null, null, true)]
    [InlineData(BugCheckCallbackReason.SecondaryDumpData, typeof(SecondaryDumpData), "KBUGCHECK_SECONDARY_DUMP_DATA", true)]
    [InlineData(BugCheckCallbackReason.DumpIo, typeof(DumpIoData), "KBUGCHECK_DUMP_IO", true)]
    [InlineData(BugCheckCallbackReason.AddPages, typeof(AddPagesData), "KBUGCHECK_ADD_PAGES", true)]
    [InlineData(BugCheckCallbackReason.SecondaryMultiPartDumpData, typeof(SecondaryDumpDataEx), "KBUGCHECK_SECONDARY_DUMP_DATA_EX", true)]
    [InlineData(BugCheckCallbackReason.RemovePages, typeof(RemovePagesData), "KBUGCHECK_REMOVE_PAGES", true)]
    [InlineData(BugCheckCallbackReason.TriageDumpData, typeof(TriageDumpData), "KBUGCHECK_TRIAGE_DUMP_DATA", true)]
    [InlineData(BugCheckCallbackReason.Reserved2, null, null, false)]
    [InlineData(BugCheckCallbackReason.Reserved3, null, null, false)]
    public void Reason_describes_its_data_and_dispatch(BugCheckCallbackReason reason, Type? dataType, string? nativeType, bool dispatched)
    {
        var info = BugCheckReasons.Get(reason);
        info.DataType.Should().Be(dataType);
        info.NativeDataTypeName.Should().Be(nativeType);
        info.IsDispatched.Should().Be(dispatched);
        info.Description.Should().NotBeNullOrWhiteSpace();
        info.MinimumVersion.Should().NotBeNullOrWhiteSpace();
    }

    [Theory]
    [InlineData(BugCheckCallbackReason.SecondaryDumpData, "Windows XP SP1 / Windows Server 2003")]
    [InlineData(BugCheckCallbackReason.DumpIo, "Windows XP SP1 / Windows Server 2003")]
    [InlineData(BugCheckCallbackReason.AddPages, "Windows Server 2008")]
    [InlineData(BugCheckCallbackReason.SecondaryMultiPartDumpData, "Windows Server 2008")]
    [InlineData(BugCheckCallbackReason.RemovePages, "not stated")]
    [InlineData(BugCheckCallbackReason.TriageDumpData, "Windows 10 1809 / Windows Server 2019")]
    public void Reason_states_its_minimum_version(BugCheckCallbackReason reason, string version) =>
        BugCheckReasons.Get(reason).MinimumVersion.Should().Be(version);

    [Theory]
    [InlineData(-1)]
    [InlineData(10)]
    public void Get_throws_for_an_undefined_reason(int value)
    {
        var act = () => BugCheckReasons.Get((BugCheckCallbackReason)value);
        act.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("reason");
        BugCheckReasons.IsDefined((BugCheckCallbackReason)value).Should().BeFalse();
    }
}
