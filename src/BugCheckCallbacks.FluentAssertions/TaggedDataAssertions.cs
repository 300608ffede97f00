using FluentAssertions;
using FluentAssertions.Execution;
using FluentAssertions.Primitives;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>Assertions on the secondary data a dump holds, read through <see cref="ITaggedDataReader"/> (an <see cref="InMemoryDumpSink"/>, a <see cref="DumpFile"/>, a <see cref="DumpBlobReader"/>).</summary>
public sealed class TaggedDataAssertions : ReferenceTypeAssertions<ITaggedDataReader, TaggedDataAssertions>
{
    /// <summary>Initializes the assertions on <paramref name="subject"/>.</summary>
    /// <param name="subject">The reader.</param>
    public TaggedDataAssertions(ITaggedDataReader subject)
        : base(subject)
    {
    }

    /// <inheritdoc/>
    protected override string Identifier => "dump";

    /// <summary>Asserts that a blob is tagged <paramref name="tag"/> (the debugger's <c>.enumtag</c> lists it); check its bytes with <c>WithData</c>.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint whose <c>Which</c> is the blob's data.</returns>
    [CustomAssertion]
    public TagConstraint ContainTag(Guid tag, string because = "", params object[] becauseArgs)
    {
        var tags = Subject.EnumerateTags().ToArray();
        var found = tags.Any(t => t.Tag == tag);
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(found)
            .FailWith($"Expected {{context:dump}} to contain tag {Describe.Escape($"{{{tag}}}")}{{reason}}, but {Describe.Escape(ListTags(tags))}");
        return new TagConstraint(this, tag, found ? Subject.ReadTagged(tag) : []);
    }

    /// <summary>Asserts that no blob is tagged <paramref name="tag"/>.</summary>
    /// <param name="tag">The tag.</param>
    /// <param name="because">A phrase explaining why the assertion is needed.</param>
    /// <param name="becauseArgs">Values for <paramref name="because"/>.</param>
    /// <returns>A constraint to chain more assertions.</returns>
    [CustomAssertion]
    public AndConstraint<TaggedDataAssertions> NotContainTag(Guid tag, string because = "", params object[] becauseArgs)
    {
        var tags = Subject.EnumerateTags().ToArray();
        Execute.Assertion
            .BecauseOf(because, becauseArgs)
            .ForCondition(tags.All(t => t.Tag != tag))
            .FailWith($"Expected {{context:dump}} not to contain tag {Describe.Escape($"{{{tag}}}")}{{reason}}, but it does.");
        return new AndConstraint<TaggedDataAssertions>(this);
    }

    private static string ListTags(DumpTag[] tags) =>
        tags.Length == 0 ? "it holds no secondary data." : $"it holds {tags.Length} tag(s): {string.Join(", ", tags.Take(20).Select(t => $"{{{t.Tag}}} ({t.Size} bytes)"))}{(tags.Length > 20 ? ", ..." : string.Empty)}.";
}
