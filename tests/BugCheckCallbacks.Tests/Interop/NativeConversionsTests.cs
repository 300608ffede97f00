using BugCheckCallbacks.Interop;

namespace BugCheckCallbacks.Tests.Interop;

public sealed class NativeConversionsTests
{
    [Fact]
    public void Every_reason_converts_both_ways_with_the_same_value_and_a_matching_name()
    {
        foreach (var reason in Enum.GetValues<BugCheckCallbackReason>())
        {
            var native = reason.ToNative();
            ((int)native).Should().Be((int)reason);
            Enum.GetName(native).Should().Be("KbCallback" + reason);
            native.ToManaged().Should().Be(reason);
        }

        Enum.GetValues<KBUGCHECK_CALLBACK_REASON>().Should().HaveCount(Enum.GetValues<BugCheckCallbackReason>().Length);
    }

    [Fact]
    public void Every_dump_io_type_converts_both_ways_with_the_same_value_and_a_matching_name()
    {
        foreach (var type in Enum.GetValues<DumpIoType>())
        {
            var native = type.ToNative();
            ((int)native).Should().Be((int)type);
            Enum.GetName(native).Should().Be("KbDumpIo" + type);
            native.ToManaged().Should().Be(type);
        }

        Enum.GetValues<KBUGCHECK_DUMP_IO_TYPE>().Should().HaveCount(Enum.GetValues<DumpIoType>().Length);
    }

    [Fact]
    public void Every_buffer_state_converts_both_ways_with_the_same_value_and_a_matching_name()
    {
        foreach (var state in Enum.GetValues<BufferDumpState>())
        {
            var native = state.ToNative();
            ((int)native).Should().Be((int)state);
            Enum.GetName(native).Should().Be("Buffer" + state);
            native.ToManaged().Should().Be(state);
        }

        Enum.GetValues<KBUGCHECK_BUFFER_DUMP_STATE>().Should().HaveCount(Enum.GetValues<BufferDumpState>().Length);
    }

    [Fact]
    public void Undefined_values_throw_naming_the_parameter()
    {
        ((Action)(() => ((BugCheckCallbackReason)10).ToNative())).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("reason");
        ((Action)(() => ((KBUGCHECK_CALLBACK_REASON)(-1)).ToManaged())).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("reason");
        ((Action)(() => ((DumpIoType)5).ToNative())).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("type");
        ((Action)(() => ((KBUGCHECK_DUMP_IO_TYPE)5).ToManaged())).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("type");
        ((Action)(() => ((BufferDumpState)5).ToNative())).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state");
        ((Action)(() => ((KBUGCHECK_BUFFER_DUMP_STATE)5).ToManaged())).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("state");
    }
}
