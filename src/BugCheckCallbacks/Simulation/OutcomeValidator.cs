using System.Text.Json;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Checks an outcome read from JSON before anyone uses it: a report is a file, and a file can say <c>"blobs": null</c>, a
/// null item, a null component or a violation kind 12345. Each is one <see cref="JsonException"/> naming the JSON path, never
/// a NullReferenceException later in a reader's code.
/// </summary>
internal static class OutcomeValidator
{
    public static BugCheckOutcome Checked(BugCheckOutcome outcome)
    {
        if (outcome.SchemaVersion is < 0 or > BugCheckOutcome.CurrentSchemaVersion) // 0: absent, as version 1 wrote it
        {
            throw Bad("$.schemaVersion", $"{outcome.SchemaVersion} is not a schema this reader knows (1 to {BugCheckOutcome.CurrentSchemaVersion}, or none for version 1)");
        }

        Defined(outcome.DumpType, "$.dumpType");
        Each(outcome.Invocations, "$.invocations", (call, at) =>
        {
            Defined(call.Phase, $"{at}.phase");
            Defined(call.Reason, $"{at}.reason");
            Defined(call.Pass, $"{at}.pass");
            Defined(call.IoType, $"{at}.ioType");
            Defined(call.StateAfter, $"{at}.stateAfter");
            Text(call.Component, $"{at}.component");
        });
        Each(outcome.Violations, "$.violations", (v, at) => Verdict(v.Kind, v.Phase, v.Reason, v.Component, v.Detail, at));
        Each(outcome.Inconclusive, "$.inconclusive", (v, at) => Verdict(v.Kind, v.Phase, v.Reason, v.Component, v.Detail, at));
        Each(outcome.Blobs, "$.blobs", (blob, at) =>
        {
            Defined(blob.Reason, $"{at}.reason");
            Text(blob.Component, $"{at}.component");
        });
        Each(outcome.Shortfalls, "$.shortfalls", (shortfall, at) =>
        {
            Text(shortfall.Component, $"{at}.component");
            Text(shortfall.Why, $"{at}.why");
            if (shortfall.CausedBy is { } cause)
            {
                Text(cause, $"{at}.causedBy");
            }
        });
        EachValue(outcome.BodyRanges, "$.bodyRanges", (range, at) => Defined(range.Space, $"{at}.space"));
        Each(outcome.TriageBlocks, "$.triageBlocks", (block, at) => Text(block.Component, $"{at}.component"));
        Each(outcome.Records, "$.records", (record, at) =>
        {
            Defined(record.Reason, $"{at}.reason");
            Defined(record.FinalState, $"{at}.finalState");
            Defined(record.StateInDump, $"{at}.stateInDump");
            Text(record.Component, $"{at}.component");
        });
        if (outcome.Kernel is { } kernel)
        {
            Each(kernel.Modules, "$.kernel.modules", (module, at) => Text(module.Name, $"{at}.name"));
        }

        if (outcome.ExpectedViolations is { } expected)
        {
            Each(expected, "$.expectedViolations", (expectation, at) =>
            {
                Text(expectation.Component, $"{at}.component");
                Text(expectation.Code, $"{at}.code");
            });
        }

        return outcome;
    }

    private static void Each<T>(IReadOnlyList<T>? items, string path, Action<T, string> check)
        where T : class
    {
        if (items is null)
        {
            throw Bad(path, "null where a list belongs (an empty one is [])");
        }

        for (var i = 0; i < items.Count; i++)
        {
            var at = $"{path}[{i}]";
            check(items[i] ?? throw Bad(at, "null where an item belongs"), at);
        }
    }

    private static void EachValue<T>(IReadOnlyList<T>? items, string path, Action<T, string> check)
        where T : struct
    {
        if (items is null)
        {
            throw Bad(path, "null where a list belongs (an empty one is [])");
        }

        for (var i = 0; i < items.Count; i++)
        {
            check(items[i], $"{path}[{i}]");
        }
    }

    /// <summary>A violation's or an inconclusive verdict's fields: the same site, the same rules.</summary>
    private static void Verdict(ViolationKind kind, BugCheckPhase phase, BugCheckCallbackReason? reason, string? component, string? detail, string at)
    {
        Defined(kind, $"{at}.kind");
        Defined(phase, $"{at}.phase");
        Defined(reason, $"{at}.reason");
        Text(component, $"{at}.component");
        Text(detail, $"{at}.detail");
    }

    private static void Text(string? text, string path)
    {
        if (text is null)
        {
            throw Bad(path, "null where a string belongs");
        }
    }

    private static void Defined<TEnum>(TEnum value, string path)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
        {
            throw Bad(path, $"{value} is not a {typeof(TEnum).Name}");
        }
    }

    private static void Defined<TEnum>(TEnum? value, string path)
        where TEnum : struct, Enum
    {
        if (value is { } defined)
        {
            Defined(defined, path);
        }
    }

    private static JsonException Bad(string path, string what) => new($"The outcome report is not valid at {path}: {what}.", path, null, null);
}
