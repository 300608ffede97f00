using System.Globalization;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>Parses the numbers users type: hex with a 0x prefix, or decimal.</summary>
internal static class NumberText
{
    public static bool TryParse(string? text, out ulong value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var trimmed = text.Trim().Replace("`", string.Empty, StringComparison.Ordinal); // WinDbg writes 64-bit values as ffff`f800
        return trimmed.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(trimmed.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value)
            : ulong.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
