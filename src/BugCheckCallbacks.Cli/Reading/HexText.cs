namespace BugCheckCallbacks.Cli.Reading;

/// <summary>A number as the CLI's JSON writes it: a hex string, so that jq and JavaScript keep every bit of 64.</summary>
internal static class HexText
{
    public static string Of(ulong value) => $"0x{value:X}";

    public static string Of(long value) => $"0x{value:X}";
}
