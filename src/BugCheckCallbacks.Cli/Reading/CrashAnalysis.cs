using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using Spectre.Console;

namespace BugCheckCallbacks.Cli.Reading;

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
    IReadOnlyDictionary<string, string> Registers,
    IReadOnlyList<JsonCodePointer> Pointers)
{
    public static CrashAnalysis Of(DumpFile dump)
    {
        var h = dump.Header;
        ulong[] values = [h.BugCheckParameter1, h.BugCheckParameter2, h.BugCheckParameter3, h.BugCheckParameter4];
        BugCheckCodes.TryGet(h.BugCheckCode, out var info);
        var meanings = BugCheckCodes.ParameterMeanings(h.BugCheckCode, h.BugCheckParameter1);
        var walker = new KernelWalker(dump);

        // A module is named only for a code address, as !analyze does: the parameter the stop code's reference says is
        // one. A data pointer into a module's image (0x9F's nt!TRIAGE_9F_POWER) names no culprit.
        var parameters = values.Select((value, i) =>
            new JsonParameter(i + 1, HexText.Of(value), NullIfEmpty(meanings[i]), info?.CodeAddressParameter == i + 1 ? Symbol(walker, value) : null)).ToArray();
        var e = h.Exception;
        var exception = new JsonExceptionRecord(HexText.Of(e.Code), HexText.Of(e.Address), Symbol(walker, e.Address), [.. e.Parameters.Select(HexText.Of)]);
        var general = h.GeneralRegisters();
        var registers = general.ToDictionary(r => r.Key, r => r.Value.ToString("x16", System.Globalization.CultureInfo.InvariantCulture));

        // The context's instruction pointer and stack pointer, and a small memory dump's bug-check frame (the exception
        // address and TopOfStack): on an x64 crash in a system thread the context is the faulting one, not the bug check's.
        var pointers = new List<JsonCodePointer>();
        var (ip, sp) = h.Arm64Context is not null ? ("pc", "sp") : ("rip", "rsp");
        var ipValue = general.First(r => r.Key == ip).Value;
        pointers.Add(new JsonCodePointer("context " + ip, HexText.Of(ipValue), Symbol(walker, ipValue)));

        // The culprit: the code-address parameter's module; else the context's instruction pointer, unless it is in the
        // kernel, where the bug check's own code runs (a small x64 dump's context is the faulting one, in the driver).
        var modules = walker.ReadModules().Modules;
        var ipModule = walker.ModuleAt(ipValue);
        var faulting = (info?.CodeAddressParameter is { } index ? parameters[index - 1].Symbol : null) ??
            (ipModule is not null && (modules.Count == 0 || ipModule != modules[0]) ? Symbol(walker, ipValue) : null);
        pointers.Add(new JsonCodePointer("context " + sp, HexText.Of(general.First(r => r.Key == sp).Value), null));
        if (dump.Triage is { } triage)
        {
            pointers.Add(new JsonCodePointer("bug-check frame: exception address", HexText.Of(e.Address), Symbol(walker, e.Address)));
            pointers.Add(new JsonCodePointer("bug-check frame: TopOfStack", HexText.Of(triage.TopOfStack), null));
        }

        return new CrashAnalysis($"0x{h.BugCheckCode:X8}", info?.Name, parameters, faulting, exception, registers, pointers);

        static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;
    }

    /// <summary>The module and offset of a code address, as the debugger names it: the module's file name (a small dump's full path is its FullName).</summary>
    private static string? Symbol(KernelWalker walker, ulong address) =>
        walker.ModuleAt(address) is { } module ? $"{module.Name}+0x{address - module.Base:X}" : null;

    public void Render(IAnsiConsole console)
    {
        console.WriteLine($"Bug check {StopCode}{(Name is null ? " (not in the bug-check code table)" : $" {Name}")}");
        foreach (var parameter in Parameters)
        {
            var symbol = parameter.Symbol is null ? string.Empty : $" = {parameter.Symbol}";
            console.WriteLine($"  Arg{parameter.Number}: {parameter.Value}{symbol}{(parameter.Meaning is null ? string.Empty : $"  {parameter.Meaning}")}");
        }

        console.WriteLine(FaultingModule is null ? "Faulting module: none named (no parameter of this stop code is a code address inside a loaded module, and the context's instruction pointer is not in a driver)." : $"Faulting module: {FaultingModule}");
        console.WriteLine($"Exception: code {Exception.Code} at {Exception.Address}{(Exception.Symbol is null ? string.Empty : $" ({Exception.Symbol})")}{(Exception.Parameters.Count == 0 ? string.Empty : $", parameters {string.Join(", ", Exception.Parameters)}")}");
        var names = Registers.Keys.ToArray();
        for (var i = 0; i < names.Length; i += 3)
        {
            console.WriteLine(string.Join(" ", names.Skip(i).Take(3).Select(n => $"{n,3}={Registers[n]}")));
        }

        foreach (var pointer in Pointers)
        {
            console.WriteLine($"{pointer.Name}: {pointer.Value}{(pointer.Symbol is null ? string.Empty : $" ({pointer.Symbol})")}");
        }
    }
}

internal sealed record JsonParameter(int Number, string Value, string? Meaning, string? Symbol);

internal sealed record JsonCodePointer(string Name, string Value, string? Symbol);

internal sealed record JsonExceptionRecord(string Code, string Address, string? Symbol, List<string> Parameters);
