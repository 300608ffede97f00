using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Reading;

/// <summary>How a call is named in the CLI's tables and the HTML report alike.</summary>
internal static class CallNames
{
    /// <summary>The call's pass (Sizing, Data) or, for DumpIo, its I/O type; empty when it has neither.</summary>
    public static string PassName(CallbackInvocation call) =>
        call.Pass != InvocationPass.None ? call.Pass.ToString() : call.IoType?.ToString() ?? string.Empty;
}
