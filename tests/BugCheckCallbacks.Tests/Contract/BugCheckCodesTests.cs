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

    [Theory]
    [InlineData(0x9Fu, 3UL, "The physical device object (PDO) of the stack", "nt!TRIAGE_9F_POWER", "The blocked IRP")]
    [InlineData(0x9Fu, 4UL, "The time-out value, in seconds", "The thread holding the Plug and Play lock", "nt!TRIAGE_9F_PNP")]
    [InlineData(0x9Fu, 0x500UL, "Reserved", "The target device's device object, if available", "The device object")]
    [InlineData(0x9Fu, 0x77UL, "", "", "")]
    [InlineData(0xD1u, 3UL, "The IRQL at the time of the reference", "0 read, 1 write, 2 or 8 execute", "The address that referenced the memory")]
    [InlineData(0x12345678u, 3UL, "", "", "")]
    public void Parameter_meanings_follow_the_subcode_where_the_stop_code_has_one(uint code, ulong parameter1, string second, string third, string fourth)
    {
        var meanings = BugCheckCodes.ParameterMeanings(code, parameter1);

        meanings.Should().HaveCount(4);
        meanings.Skip(1).Should().Equal(second, third, fourth);
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
