using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

public sealed class VerifierRulesTests
{
    [Fact]
    public void Every_kind_has_a_unique_stable_code_and_an_explanation()
    {
        VerifierRules.All.Should().Equal(Enum.GetValues<ViolationKind>());
        VerifierRules.All.Select(VerifierRules.GetCode).Should().OnlyHaveUniqueItems().And.OnlyContain(code => code.StartsWith("BCV", StringComparison.Ordinal) && code.Length == 7);
        VerifierRules.All.Select(VerifierRules.GetDescription).Should().OnlyContain(text => text.Length > 20 && text.EndsWith('.'));
    }

    [Theory]
    [InlineData(ViolationKind.CallbackThrew, "BCV0001")]
    [InlineData(ViolationKind.OutputExceedsMaximumAllowed, "BCV0004")]
    [InlineData(ViolationKind.NestedBugCheck, "BCV0015")]
    public void Codes_are_stable(ViolationKind kind, string code) => VerifierRules.GetCode(kind).Should().Be(code);

    [Theory]
    [InlineData(0)]
    [InlineData(99)]
    public void Undefined_kinds_throw(int value)
    {
        var code = () => VerifierRules.GetCode((ViolationKind)value);
        code.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("kind");
        var description = () => VerifierRules.GetDescription((ViolationKind)value);
        description.Should().Throw<ArgumentOutOfRangeException>().WithParameterName("kind");
    }

    [Fact]
    public void Violation_prints_code_kind_phase_and_detail() =>
        new Violation(ViolationKind.ZeroPageCount, BugCheckPhase.AddPages, BugCheckCallbackReason.AddPages, "a.sys", 2, 3, "Count is 0.").ToString()
            .Should().Be("BCV0009 ZeroPageCount [AddPages] a.sys #2 call 3: Count is 0.");
}
