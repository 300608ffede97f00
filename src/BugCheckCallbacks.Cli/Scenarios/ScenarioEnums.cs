using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>The values the CLI offers for its enum inputs, in one place: options, scenarios, help and errors agree.</summary>
internal static class ScenarioEnums
{
    /// <summary>The dump types the kernel writes (<c>DUMP_TYPE_INVALID</c> and <c>DUMP_TYPE_UNKNOWN</c> are not).</summary>
    public static readonly DumpType[] DumpTypes =
        [DumpType.Full, DumpType.Summary, DumpType.Header, DumpType.Triage, DumpType.BitmapFull, DumpType.BitmapKernel, DumpType.Automatic];

    public static readonly CallbackOrder[] Orders = [CallbackOrder.NewestFirst, CallbackOrder.OldestFirst];

    public static readonly InvocationLog[] Logs = [InvocationLog.Bounded, InvocationLog.All, InvocationLog.None];

    /// <summary>The reasons a scenario callback may name, and "Classic" for <c>KeRegisterBugCheckCallback</c>.</summary>
    public static readonly string[] Reasons =
    [
        .. BugCheckReasons.All.Where(r => r.Reason != BugCheckCallbackReason.Invalid).Select(r => r.Reason.ToString()), "Classic",
    ];

    /// <summary>Finds a reason name case-insensitively; "Classic" gives null.</summary>
    public static bool TryParseReason(string? text, out BugCheckCallbackReason? reason)
    {
        reason = null;
        var match = Reasons.FirstOrDefault(r => string.Equals(r, text, StringComparison.OrdinalIgnoreCase));
        if (match is null)
        {
            return false;
        }

        reason = match == "Classic" ? null : Enum.Parse<BugCheckCallbackReason>(match);
        return true;
    }

    /// <summary>Parses a name case-insensitively among <paramref name="allowed"/>, or throws a usage error listing them.</summary>
    public static T Parse<T>(string option, string text, IReadOnlyList<T> allowed)
        where T : struct, Enum
    {
        foreach (var value in allowed)
        {
            if (string.Equals(value.ToString(), text, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        throw new UsageException($"{option} \"{text}\" is not one of {string.Join(", ", allowed)}.");
    }
}

internal sealed class DumpTypeConverter() : NamedEnumConverter<DumpType>(ScenarioEnums.DumpTypes);

internal sealed class OrderConverter() : NamedEnumConverter<CallbackOrder>(ScenarioEnums.Orders);

internal sealed class AddressSpaceConverter() : NamedEnumConverter<AddressSpace>(AddressSpace.Virtual, AddressSpace.Physical);

internal sealed class FaultConverter() : NamedEnumConverter<ScenarioFault>(Enum.GetValues<ScenarioFault>());

internal sealed class TamperingConverter() : NamedEnumConverter<RecordTamperingKind>(Enum.GetValues<RecordTamperingKind>());
