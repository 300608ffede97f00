namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>A scenario file that cannot be used; the message names the line or the field that is wrong.</summary>
internal sealed class ScenarioException : Exception
{
    public ScenarioException()
    {
    }

    public ScenarioException(string message)
        : base(message)
    {
    }

    public ScenarioException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
