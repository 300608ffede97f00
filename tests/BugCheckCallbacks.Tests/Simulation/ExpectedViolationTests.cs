using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>Expectations recorded in the outcome: <see cref="ExpectedViolation"/> and the outcome members that use them.</summary>
public sealed class ExpectedViolationTests
{
    private static readonly Violation s_fault = new(ViolationKind.CallbackThrew, BugCheckPhase.SecondaryData, BugCheckCallbackReason.SecondaryDumpData, "faulty.sys", 0, 1, "threw");

    private static BugCheckOutcome Outcome() => new()
    {
        BugCheckCode = 0xD1,
        BugCheckParameter4 = 0xFFFFF80000071000,
        DumpType = DumpType.Summary,
        TotalCalls = 3,
        Violations = [s_fault],
    };

    [Theory]
    [InlineData("faulty.sys", "BCV0001", true)]
    [InlineData("faulty.sys", "BCV0004", false)]
    [InlineData("FAULTY.SYS", "BCV0001", true)] // module names ignore case, as on Windows
    [InlineData("faulty.sys", "bcv0001", true)]
    [InlineData("other.sys", "BCV0001", false)]
    public void An_expectation_matches_a_violation_of_its_component_and_code(string component, string code, bool matches)
    {
        s_fault.Code.Should().Be("BCV0001");
        new ExpectedViolation(component, code).Matches(s_fault).Should().Be(matches);
    }

    [Fact]
    public void Matches_refuses_null() =>
        new ExpectedViolation("a.sys", "BCV0001").Invoking(e => e.Matches(null!)).Should().Throw<ArgumentNullException>().WithParameterName("violation");

    [Fact]
    public void An_outcome_nobody_judged_says_so()
    {
        var outcome = Outcome();
        outcome.ExpectedViolations.Should().BeNull();
        outcome.IsExpected(s_fault).Should().BeNull();
        outcome.MissingExpectations.Should().BeEmpty();
    }

    [Fact]
    public void WithExpectedViolations_copies_the_outcome_and_judges_each_violation()
    {
        var original = Outcome();
        var judged = original.WithExpectedViolations([new("faulty.sys", "BCV0001"), new("verbose.sys", "BCV0004")]);
        judged.Should().NotBeSameAs(original);
        original.ExpectedViolations.Should().BeNull("the original is not changed");
        judged.IsExpected(s_fault).Should().BeTrue();
        judged.MissingExpectations.Should().Equal(new ExpectedViolation("verbose.sys", "BCV0004"));
        judged.Should().BeEquivalentTo(original, o => o.Excluding(x => x.ExpectedViolations).Excluding(x => x.MissingExpectations));
        original.WithExpectedViolations([]).IsExpected(s_fault).Should().BeFalse("an empty list says none was expected");
    }

    [Fact]
    public void The_expectations_survive_the_JSON_report_and_an_old_report_reads_as_unjudged()
    {
        var judged = Outcome().WithExpectedViolations([new("faulty.sys", "BCV0001")]);
        var json = judged.ToJson();
        json.Should().Contain("\"expectedViolations\"").And.Contain("\"missingExpectations\": []", "a reader of the report need not compute it");
        var back = BugCheckOutcome.FromJson(json);
        back.ExpectedViolations.Should().Equal(new ExpectedViolation("faulty.sys", "BCV0001"));
        back.IsExpected(s_fault).Should().BeTrue();
        BugCheckOutcome.FromJson(json.Replace("\"expectedViolations\"", "\"unknownMember\"", StringComparison.Ordinal)).ExpectedViolations.Should().BeNull();
    }

    [Fact]
    public void ReadJson_reads_what_WriteJson_writes_from_a_stream_and_refuses_null_and_a_bad_document()
    {
        var judged = Outcome().WithExpectedViolations([new("faulty.sys", "BCV0001")]);
        using var stream = new MemoryStream();
        judged.WriteJson(stream);
        stream.Position = 0;
        var back = BugCheckOutcome.ReadJson(stream);
        back.ToJson().Should().Be(judged.ToJson());
        FluentActions.Invoking(() => BugCheckOutcome.ReadJson(null!)).Should().Throw<ArgumentNullException>().WithParameterName("utf8Json");
        FluentActions.Invoking(() => BugCheckOutcome.ReadJson(new MemoryStream("null"u8.ToArray()))).Should().Throw<System.Text.Json.JsonException>();
        FluentActions.Invoking(() => BugCheckOutcome.ReadJson(new MemoryStream("{\"violations\": 3}"u8.ToArray()))).Should().Throw<System.Text.Json.JsonException>();
    }

    [Fact]
    public void WriteJson_writes_a_large_outcome_as_it_goes_with_the_text_ToJson_gives()
    {
        var outcome = new BugCheckOutcome { BugCheckCode = 0xD1, Violations = [.. Enumerable.Range(0, 20_000).Select(i => s_fault with { Component = $"d{i}.sys", Detail = "it's 'quoted' <é>" })] };
        using var stream = new WriteSizes();
        outcome.WriteJson(stream);

        var text = System.Text.Encoding.UTF8.GetString(stream.ToArray());
        text.Should().Be(outcome.ToJson(), "the same indented, readable text");
        text.Length.Should().BeGreaterThan(4_000_000);
        stream.Largest.Should().BeLessThan(1 << 20, "the text reaches the stream in pieces, not held whole until the end");
    }

    /// <summary>A memory stream that remembers the largest single write.</summary>
    private sealed class WriteSizes : MemoryStream
    {
        public int Largest { get; private set; }

        public override void Write(byte[] buffer, int offset, int count)
        {
            Largest = Math.Max(Largest, count);
            base.Write(buffer, offset, count);
        }

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            Largest = Math.Max(Largest, buffer.Length);
            base.Write(buffer);
        }
    }

    [Fact]
    public void The_JSON_keeps_quotes_plus_signs_and_non_ASCII_text_readable()
    {
        var outcome = new BugCheckOutcome { Violations = [s_fault with { Component = "a\"b+c<é>.sys", Detail = "it's 'quoted'" }] };
        var json = outcome.ToJson();
        json.Should().Contain("a\\\"b+c<é>.sys").And.Contain("it's 'quoted'").And.NotContain("\\u00");
        BugCheckOutcome.FromJson(json).Violations[0].Component.Should().Be("a\"b+c<é>.sys");
    }

    [Fact]
    public void WithExpectedViolations_refuses_a_null_list_or_item()
    {
        var outcome = Outcome();
        outcome.Invoking(o => o.WithExpectedViolations(null!)).Should().Throw<ArgumentNullException>().WithParameterName("expected");
        outcome.Invoking(o => o.WithExpectedViolations([null!])).Should().Throw<ArgumentNullException>().WithParameterName("expected");
        outcome.Invoking(o => o.IsExpected(null!)).Should().Throw<ArgumentNullException>().WithParameterName("violation");
    }
}
