namespace BugCheckCallbacks.Tests.Contract;

public sealed class BugCheckCodesTests
{
    [Theory]
    [InlineData(0xD1u, "DRIVER_IRQL_NOT_LESS_OR_EQUAL", 4)]
    [InlineData(0x0Au, "IRQL_NOT_LESS_OR_EQUAL", 4)]
    [InlineData(0x50u, "PAGE_FAULT_IN_NONPAGED_AREA", 3)]
    [InlineData(0x1Eu, "KMODE_EXCEPTION_NOT_HANDLED", 2)]
    [InlineData(0x7Eu, "SYSTEM_THREAD_EXCEPTION_NOT_HANDLED", 2)]
    [InlineData(0xE2u, "MANUALLY_INITIATED_CRASH", null)]
    [InlineData(0xDEADDEADu, "MANUALLY_INITIATED_CRASH1", null)]
    public void Common_stop_codes_have_their_reference_names(uint code, string name, int? codeAddress)
    {
        BugCheckCodes.TryGet(code, out var info).Should().BeTrue();
        (info!.Code, info.Name, info.CodeAddressParameter).Should().Be((code, name, codeAddress));
        info.Parameters.Count.Should().BeOneOf([0, 4], "meanings are given for all four parameters or none");
    }

    [Fact]
    public void An_unknown_code_is_not_named_and_the_table_is_ordered_and_unique()
    {
        BugCheckCodes.TryGet(0x12345678, out var info).Should().BeFalse();
        info.Should().BeNull();
        BugCheckCodes.All.Select(c => c.Code).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        BugCheckCodes.All.Should().OnlyContain(c => c.Name.Length > 0 && c.Name.All(ch => char.IsAsciiLetterUpper(ch) || char.IsAsciiDigit(ch) || ch == '_'));
    }
}
