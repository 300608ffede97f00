using System.Globalization;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>
/// Parses numbers the way WinDbg reads them with its default radix of 16: hex by default (<c>D1</c>,
/// <c>00000050</c>), <c>0x</c> hex, <c>0n</c> decimal, <c>0t</c> octal, <c>0y</c> binary, and backticks between digit
/// groups (<c>ffff`f800`00001000</c>, as WinDbg prints 64-bit values). The table in docs/cli.md lists every form.
/// </summary>
internal static class NumberText
{
    /// <summary>What every "not a number" message says the accepted forms are.</summary>
    public const string Forms = "hex by default (D1, 00000050, ffff`f800`00001000), 0x hex, 0n decimal, 0t octal, 0y binary";

    public static bool TryParse(string? text, out ulong value)
    {
        value = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        if (!TrySplit(text, out var radix, out var digits))
        {
            return false;
        }

        return radix switch
        {
            16 => ulong.TryParse(digits, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value),
            10 => ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out value),
            _ => TryParseRadix(digits, radix, out value),
        };
    }

    /// <summary>Parses <paramref name="text"/> or throws a <see cref="UsageException"/> naming the option, the value and the range.</summary>
    public static ulong Parse(string option, string text, ulong max = ulong.MaxValue, ulong min = 0)
    {
        if (!TryParse(text, out var value))
        {
            throw new UsageException(IsTooLong(text)
                ? $"{option} \"{text}\" is out of range: it is more than 64 bits, and it must be from 0x{min:X} to 0x{max:X}."
                : $"{option} \"{text}\" is not a number; numbers are {Forms}.");
        }

        if (value < min || value > max)
        {
            throw new UsageException($"{option} \"{text}\" (0x{value:X}) is out of range: it must be from 0x{min:X} to 0x{max:X}.");
        }

        return value;
    }

    /// <summary>Splits a number as WinDbg writes it into its radix (the prefix, else 16) and its digits, backticks taken out; false when it is not written as one.</summary>
    private static bool TrySplit(string text, out int radix, out string digits)
    {
        digits = text.Trim();
        radix = 16;
        if (digits.Length > 2 && digits[0] == '0' && char.IsAsciiLetter(digits[1]))
        {
            radix = char.ToLowerInvariant(digits[1]) switch { 'x' => 16, 'n' => 10, 't' => 8, 'y' => 2, _ => 0 };
            digits = digits[2..];
        }

        if (radix == 0 || digits.Length == 0 || digits[0] == '`' || digits[^1] == '`' || digits.Contains("``", StringComparison.Ordinal))
        {
            return false;
        }

        digits = digits.Replace("`", string.Empty, StringComparison.Ordinal);
        return true;
    }

    /// <summary>Whether <paramref name="text"/> is written as a number but does not fit 64 bits: a range error, not a typo.</summary>
    private static bool IsTooLong(string text)
    {
        if (!TrySplit(text, out var radix, out var digits))
        {
            return false; // not written as a number at all
        }

        digits = digits.TrimStart('0');
        var most = radix switch { 16 => 16, 10 => 20, 8 => 22, _ => 64 }; // the most digits 2^64 - 1 has
        return digits.Length >= most && digits.All(c => char.IsAsciiHexDigit(c) && Convert.ToInt32(c.ToString(), 16) < radix);
    }

    private static bool TryParseRadix(string digits, int radix, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            var digit = c - '0';
            if (digit < 0 || digit >= radix || value > (ulong.MaxValue - (ulong)digit) / (ulong)radix)
            {
                value = 0;
                return false;
            }

            value = (value * (ulong)radix) + (ulong)digit;
        }

        return true;
    }
}
