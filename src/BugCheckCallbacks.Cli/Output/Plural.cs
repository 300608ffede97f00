using System.Globalization;

namespace BugCheckCallbacks.Cli.Output;

/// <summary>Counts in the CLI's sentences: "1 call", "1,204 calls".</summary>
internal static class Plural
{
    public static string Count(long count, string noun) =>
        string.Create(CultureInfo.InvariantCulture, $"{count:N0} {noun}{(count == 1 ? string.Empty : "s")}");
}
