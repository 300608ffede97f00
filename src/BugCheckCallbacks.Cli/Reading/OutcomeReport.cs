using System.Text.Json;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Reading;

/// <summary>The outcome report <c>simulate</c> writes beside the dump: <c>crash.dmp</c> → <c>crash.outcome.json</c>.</summary>
internal static class OutcomeReport
{
    public static string PathFor(string dumpPath) => Path.ChangeExtension(dumpPath, ".outcome.json");

    /// <summary>Reads the report beside <paramref name="dumpPath"/>; null when there is none, a message when it is unreadable.</summary>
    public static BugCheckOutcome? TryLoad(string dumpPath, out string? problem)
    {
        problem = null;
        var path = PathFor(dumpPath);
        if (!File.Exists(path))
        {
            return null;
        }

        const long MaxReportBytes = 1L << 30; // a report lists every call of its log and every record: large, not endless
        try
        {
            var length = RegularFile.ContentLength(path) ?? 0;
            if (length == 0 || length > MaxReportBytes)
            {
                problem = length == 0
                    ? $"{path} {RegularFile.NotRegular}; it is not read."
                    : $"{path} is {length:N0} bytes, more than an outcome report may be ({MaxReportBytes:N0}); it is not read.";
                return null;
            }

            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            return BugCheckOutcome.ReadJson(stream); // streamed: a report of 100,000 callbacks is 60 MB of text
        }
        catch (Exception exception) when (exception is JsonException or IOException or UnauthorizedAccessException)
        {
            problem = $"{path} is not a readable outcome report: {exception.Message}";
            return null;
        }
    }
}
