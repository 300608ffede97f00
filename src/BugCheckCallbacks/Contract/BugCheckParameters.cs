using System.Globalization;

namespace BugCheckCallbacks;

/// <summary>
/// A stop code and its four parameters: what <c>KeBugCheckEx</c> is called with, and what wdm.h's
/// <c>KBUGCHECK_SECONDARY_DUMP_DATA_EX</c> and <c>KBUGCHECK_TRIAGE_DUMP_DATA</c> and the dump header's
/// <c>DUMP_HEADER64</c> carry as <c>BugCheckCode</c> and <c>BugCheckParameter1</c>–<c>4</c>.
/// </summary>
/// <param name="Code">The stop code (<c>BugCheckCode</c>).</param>
/// <param name="Parameter1">The first parameter (<c>BugCheckParameter1</c>).</param>
/// <param name="Parameter2">The second parameter (<c>BugCheckParameter2</c>).</param>
/// <param name="Parameter3">The third parameter (<c>BugCheckParameter3</c>).</param>
/// <param name="Parameter4">The fourth parameter (<c>BugCheckParameter4</c>).</param>
public readonly record struct BugCheckParameters(uint Code, ulong Parameter1, ulong Parameter2, ulong Parameter3, ulong Parameter4)
{
    /// <summary>Returns the stop as the blue screen and the debugger show it.</summary>
    /// <returns>For instance <c>STOP 0x000000D1 (0xFFFFD00012345678, 0x2, 0x0, 0xFFFFF80012345678)</c>.</returns>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"STOP 0x{Code:X8} (0x{Parameter1:X}, 0x{Parameter2:X}, 0x{Parameter3:X}, 0x{Parameter4:X})");
}
