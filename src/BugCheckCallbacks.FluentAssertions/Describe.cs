using System.Globalization;
using System.Text;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.FluentAssertions;

/// <summary>The text failure messages show: violations and calls one per line, records by component and reason.</summary>
internal static class Describe
{
    private const int MaxLines = 20;

    public static string Violations(IReadOnlyCollection<Violation> violations) =>
        violations.Count == 0 ? "no violations" : Lines(violations.Count + " violation(s)", violations.Select(v => v.ToString()), violations.Count);

    public static string Calls(IReadOnlyCollection<CallbackInvocation> calls) =>
        calls.Count == 0 ? "no calls" : Lines(calls.Count + " call(s)", calls.Select(Call), calls.Count);

    public static string Call(CallbackInvocation call)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"#{call.Sequence} {call.Phase}");
        if (call.Pass != InvocationPass.None)
        {
            text.Append(CultureInfo.InvariantCulture, $" {call.Pass} pass");
        }

        if (call.IoType is { } io)
        {
            text.Append(CultureInfo.InvariantCulture, $" {io} write");
        }

        text.Append(CultureInfo.InvariantCulture, $" {call.Component} #{call.RecordIndex} call {call.CallNumber}, {call.BytesProduced} bytes, {call.StateAfter}");
        return (call.Faulted ? text.Append(", faulted") : text).ToString();
    }

    public static string Record(BugCheckReasonCallbackRecord? record) =>
        record is null ? "<null>" : $"the {record.Reason} record of {record.Component ?? "<unregistered>"}";

    /// <summary>Makes text safe inside a FluentAssertions message, whose braces are placeholders.</summary>
    public static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    private static string Lines(string heading, IEnumerable<string> lines, int count)
    {
        var text = new StringBuilder(heading).Append(':');
        foreach (var line in lines.Take(MaxLines))
        {
            text.AppendLine().Append("  ").Append(line);
        }

        if (count > MaxLines)
        {
            text.AppendLine().Append(CultureInfo.InvariantCulture, $"  ... and {count - MaxLines} more");
        }

        return text.ToString();
    }
}
