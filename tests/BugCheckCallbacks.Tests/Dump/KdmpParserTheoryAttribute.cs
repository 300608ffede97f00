namespace BugCheckCallbacks.Tests.Dump;

/// <summary>
/// A theory that needs kdmp-parser's command-line <c>parser</c>, named by the environment variable <c>KDMP_PARSER</c>.
/// Reported as skipped, never as passed, without it; docs/dump-format.md says how to build one in a scratch folder.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class KdmpParserTheoryAttribute : TheoryAttribute
{
    public KdmpParserTheoryAttribute()
    {
        Skip = Parser is null ? "kdmp-parser is not available: set KDMP_PARSER to its parser executable (docs/dump-format.md)." : null;
    }

    public static string? Parser => Environment.GetEnvironmentVariable("KDMP_PARSER") is { Length: > 0 } path && File.Exists(path) ? path : null;
}
