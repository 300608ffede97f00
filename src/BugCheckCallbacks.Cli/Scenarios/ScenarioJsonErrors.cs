using System.Text.Json;
using System.Text.RegularExpressions;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>Rewrites System.Text.Json's messages for people: no .NET type names, and the properties or values that are valid.</summary>
internal static partial class ScenarioJsonErrors
{
    private static readonly Dictionary<string, (string Name, string Properties)> s_types = new(StringComparer.Ordinal)
    {
        ["ScenarioFile"] = ("a scenario object", "description, dumpType, order, bugCheck, secondaryDataBudget, callTimeBudgetMs, memory, callbacks"),
        ["ScenarioCallback"] = ("a callback object", "reason, component, guid, size, parts, fault, deregisterOnCall, ranges, blocks, expect"),
        ["ScenarioBugCheck"] = ("a bugCheck object", "code, parameters"),
        ["ScenarioRange"] = ("a range object", "space, address, pages"),
        ["ScenarioBlock"] = ("a block object", "address, size"),
        ["ScenarioMemory"] = ("a memory object", "space, address, size, text"),
    };

    public static string Describe(JsonException exception)
    {
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        message = cut > 0 ? message[..cut] : message;
        if (message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
        {
            return "the file holds no JSON; a scenario is one object such as { \"callbacks\": [] } ('bugcheck scenario' prints one to start from).";
        }

        if (Unmapped().Match(message) is { Success: true } unmapped)
        {
            var (name, properties) = Type(unmapped.Groups["type"].Value);
            return $"\"{unmapped.Groups["property"].Value}\" is not a property of {name}; its properties are {properties}.";
        }

        if (Duplicate().Match(message) is { Success: true } duplicate)
        {
            var (name, _) = Type(duplicate.Groups["type"].Value);
            return $"\"{duplicate.Groups["property"].Value}\" is given twice in {name}; a property may appear once (else the last would silently win).";
        }

        if (Missing().Match(message) is { Success: true } missing)
        {
            var (name, _) = Type(missing.Groups["type"].Value);
            return $"{name} needs the property \"{missing.Groups["property"].Value}\".";
        }

        if (NotConvertible().Match(message) is { Success: true } convert)
        {
            return $"this value is not {PropertyKind(exception.Path) ?? TypeName(convert.Groups["type"].Value)}.";
        }

        return message;
    }

    /// <summary>What a property holds, from the last name of the JSON path (System.Text.Json names the declaring type instead).</summary>
    private static string? PropertyKind(string? path) => path is null ? null : path[(path.LastIndexOf('.') + 1)..] switch
    {
        "guid" => "a GUID string such as \"5707e5a1-0000-4000-8000-000000000001\"",
        "reason" or "component" or "description" or "text" => "a string",
        "expect" => "an array of verifier codes such as [\"BCV0001\"]",
        "callbacks" or "ranges" or "blocks" or "memory" => "an array",
        "bugCheck" => "a bugCheck object",
        _ => null,
    };

    private static (string Name, string Properties) Type(string fullName) =>
        s_types.TryGetValue(fullName[(fullName.LastIndexOf('.') + 1)..], out var type) ? type : ("an object", "listed in docs/cli.md");

    private static string TypeName(string fullName) => fullName switch
    {
        _ when fullName.Contains("List`1", StringComparison.Ordinal) => "an array",
        _ when fullName.Contains("System.Guid", StringComparison.Ordinal) => "a GUID string such as \"5707e5a1-0000-4000-8000-000000000001\"",
        "System.String" => "a string",
        _ => Type(fullName).Name,
    };

    [GeneratedRegex(@"The JSON property '(?<property>[^']*)' could not be mapped to any \.NET member contained in type '(?<type>[^']*)'")]
    private static partial Regex Unmapped();

    [GeneratedRegex(@"Duplicate property '(?<property>[^']*)' encountered during deserialization of type '(?<type>[^']*)'")]
    private static partial Regex Duplicate();

    [GeneratedRegex(@"for type '(?<type>[^']*)' was missing required properties including: '(?<property>[^']*)'")]
    private static partial Regex Missing();

    [GeneratedRegex(@"The JSON value could not be converted to (?<type>[^.\s][^\s]*?)\.?$")]
    private static partial Regex NotConvertible();
}
