using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Commands;

/// <summary>
/// What <c>show</c> puts first, like the debugger's <c>!analyze</c> and <c>r</c>: the stop code's name and what its
/// parameters mean, the faulting module when a parameter is a code address inside a loaded module, the exception the
/// header records, and the crashing processor's registers.
/// </summary>
internal sealed record CrashAnalysis(
    string StopCode,
    string? Name,
    IReadOnlyList<JsonParameter> Parameters,
    string? FaultingModule,
    JsonExceptionRecord Exception,
    IReadOnlyDictionary<string, string> Registers)
{
    public static CrashAnalysis Of(DumpFile dump)
    {
        var h = dump.Header;
        ulong[] values = [h.BugCheckParameter1, h.BugCheckParameter2, h.BugCheckParameter3, h.BugCheckParameter4];
        BugCheckCodes.TryGet(h.BugCheckCode, out var info);
        var walker = new KernelWalker(dump);
        var parameters = values.Select((value, i) =>
        {
            var module = walker.ModuleAt(value);
            return new JsonParameter(i + 1, CliJson.Hex(value), info is { Parameters.Count: 4 } ? NullIfEmpty(info.Parameters[i]) : null, module is null ? null : $"{module.Name}+0x{value - module.Base:X}");
        }).ToArray();

        // The documented code-address parameter first; else any parameter that points into a module.
        var faulting = (info?.CodeAddressParameter is { } index ? parameters[index - 1].Symbol : null) ?? parameters.Select(p => p.Symbol).FirstOrDefault(s => s is not null);
        var e = h.Exception;
        var exception = new JsonExceptionRecord(CliJson.Hex(e.Code), CliJson.Hex(e.Address), walker.ModuleAt(e.Address) is { } m ? $"{m.Name}+0x{e.Address - m.Base:X}" : null, [.. e.Parameters.Select(CliJson.Hex)]);
        var registers = h.Context.GeneralRegisters().ToDictionary(r => r.Key, r => r.Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
        return new CrashAnalysis($"0x{h.BugCheckCode:X8}", info?.Name, parameters, faulting, exception, registers);

        static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
    }

    public void Render(IAnsiConsole console)
    {
        console.WriteLine($"Bug check {StopCode}{(Name is null ? " (not in the bug-check code table)" : $" {Name}")}");
        foreach (var parameter in Parameters)
        {
            var symbol = parameter.Symbol is null ? string.Empty : $" = {parameter.Symbol}";
            console.WriteLine($"  Arg{parameter.Number}: {parameter.Value}{symbol}{(parameter.Meaning is null ? string.Empty : $"  {parameter.Meaning}")}");
        }

        console.WriteLine(FaultingModule is null ? "Faulting module: none of the parameters is inside a loaded module." : $"Faulting module: {FaultingModule}");
        console.WriteLine($"Exception: code {Exception.Code} at {Exception.Address}{(Exception.Symbol is null ? string.Empty : $" ({Exception.Symbol})")}{(Exception.Parameters.Count == 0 ? string.Empty : $", parameters {string.Join(", ", Exception.Parameters)}")}");
        var names = Registers.Keys.ToArray();
        for (var i = 0; i < names.Length; i += 3)
        {
            console.WriteLine(string.Join(" ", names.Skip(i).Take(3).Select(n => $"{n,3}={Registers[n]}")));
        }
    }
}

internal sealed record JsonParameter(int Number, string Value, string? Meaning, string? Symbol);

internal sealed record JsonExceptionRecord(string Code, string Address, string? Symbol, List<string> Parameters);
