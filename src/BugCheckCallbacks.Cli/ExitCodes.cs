namespace BugCheckCallbacks.Cli;

/// <summary>The documented exit codes of <c>bugcheck</c>.</summary>
internal static class ExitCodes
{
    /// <summary>Success; for simulate, no violation beyond those the scenario expects.</summary>
    public const int Ok = 0;

    /// <summary>The simulated crash found unexpected violations (or missed expected ones); check, inspect, callbacks and modules found something.</summary>
    public const int Violations = 1;

    /// <summary>Bad usage: unknown option, bad number, GUID or path, unreadable or invalid scenario, missing file or tag.</summary>
    public const int Usage = 2;

    /// <summary>The file is not a valid dump or DumpBlob region (for inspect: not a valid x64 driver image).</summary>
    public const int InvalidDump = 3;

    /// <summary>A bug in bugcheck: an exception no input should cause; one message, no stack trace.</summary>
    public const int InternalError = 4;
}
