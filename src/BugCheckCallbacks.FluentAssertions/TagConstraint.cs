using FluentAssertions;
using FluentAssertions.Execution;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Continues <c>ContainTag(tag)</c>: checks the blob's bytes.</summary>
public sealed class TagConstraint
{
    private readonly Guid _tag;

    internal TagConstraint(TaggedDataAssertions parent, Guid tag, byte[] data)
    {
        And = parent;
        _tag = tag;
        Which = data;
    }

    /// <summary>Gets the dump's assertions, to chain more.</summary>
    public TaggedDataAssertions And { get; }

    /// <summary>Gets the blob's data (empty when the tag was not found).</summary>
    public byte[] Which { get; }

    /// <summary>Asserts that the blob holds exactly <paramref name="expected"/> (a driver's buffer as <c>Memory</c>, no <c>.Span</c> needed).</summary>
    /// <param name="expected">The expected bytes.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>This constraint.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "FluentAssertions' convention: every assertion ends with because and becauseArgs, whatever the type of the expected value.")]
    [CustomAssertion]
    public TagConstraint WithData(ReadOnlyMemory<byte> expected, string because = "", params object[] becauseArgs) => WithData(expected.Span, because, becauseArgs);

    /// <summary>Asserts that the blob holds exactly <paramref name="expected"/>; the failure names the first differing offset.</summary>
    /// <param name="expected">The expected bytes.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>This constraint.</returns>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("ApiDesign", "RS0026:Do not add multiple public overloads with optional parameters", Justification = "FluentAssertions' convention: every assertion ends with because and becauseArgs, whatever the type of the expected value.")]
    [CustomAssertion]
    public TagConstraint WithData(ReadOnlySpan<byte> expected, string because = "", params object[] becauseArgs)
    {
        var actual = Which.AsSpan();
        var differs = actual.CommonPrefixLength(expected);
        var same = actual.SequenceEqual(expected);
        var detail = same ? string.Empty
            : actual.Length != expected.Length && differs == Math.Min(actual.Length, expected.Length)
                ? $"it holds {actual.Length} bytes where {expected.Length} were expected"
                : $"byte 0x{differs:X} is 0x{actual[differs]:X2} where 0x{expected[differs]:X2} was expected ({actual.Length} bytes held, {expected.Length} expected)";
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(same)
            .FailWith($"Expected the blob tagged {Describe.Escape($"{{{_tag}}}")} to hold the expected data{{reason}}, but {detail}.");
        return this;
    }
}
