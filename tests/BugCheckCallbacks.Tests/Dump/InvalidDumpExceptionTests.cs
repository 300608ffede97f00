using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Dump;

public sealed class InvalidDumpExceptionTests
{
    [Fact]
    public void Offset_and_reason_are_kept_and_named_in_the_message()
    {
        var inner = new EndOfStreamException();
        var exception = new InvalidDumpException(0x40, "bad count", inner);
        (exception.Offset, exception.Reason, exception.InnerException).Should().Be((0x40L, "bad count", inner));
        exception.Message.Should().Be("Invalid dump at offset 0x40: bad count");
        exception.Should().BeAssignableTo<IOException>();
    }

    [Fact]
    public void The_standard_constructors_have_no_offset()
    {
        new InvalidDumpException().Offset.Should().Be(-1);
        new InvalidDumpException("broken").Should().Match<InvalidDumpException>(e => e.Offset == -1 && e.Reason == "broken" && e.Message == "Invalid dump: broken");
        var inner = new InvalidOperationException();
        new InvalidDumpException("broken", inner).Should().Match<InvalidDumpException>(e => e.Offset == -1 && e.InnerException == inner);
    }
}
