using System.Text.Json.Serialization;
using BugCheckCallbacks.Forensics;

namespace BugCheckCallbacks.Cli.Output;

internal sealed record JsonModule(string Base, string End, string Size, string EntryPoint, string Name, string FullName, string Entry);

internal sealed record JsonModulesDocument(int SchemaVersion, string Command, string File, string? Head, string Source, List<JsonModule> Modules, List<JsonFinding> Findings);

internal sealed record JsonFinding(string Kind, string Address, string Detail);

internal sealed record JsonCallbackRecord(
    string Address, string? List, string Reason, string Routine, string RoutineSymbol, string? Module, string ComponentAddress, string? Component,
    string State, string Checksum, bool ChecksumValid, string? Buffer, uint? Length, List<JsonFinding> Findings);

internal sealed record JsonCallbackList(string Kind, string Head, string Source, List<JsonCallbackRecord> Records, List<JsonFinding> Findings);

internal sealed record JsonCallbacksDocument(int SchemaVersion, string Command, string File, List<JsonCallbackList> Lists, List<JsonCallbackRecord> Unlinked, List<string> Notes, int Findings);

/// <summary>The JSON forms of the walker's results.</summary>
internal static class ForensicsJson
{
    public static JsonFinding Finding(IntegrityFinding finding) => new(finding.Kind.ToString(), CliJson.Hex(finding.Address), finding.Detail);

    public static JsonModule Module(LoadedModule module) =>
        new(CliJson.Hex(module.Base), CliJson.Hex(module.End), CliJson.Hex(module.Size), CliJson.Hex(module.EntryPoint), module.Name, module.FullName, CliJson.Hex(module.EntryAddress));

    public static JsonCallbackRecord Record(CallbackRecordInfo r) => new(
        CliJson.Hex(r.Address), r.List?.ToString(), r.ReasonName, CliJson.Hex(r.Routine), r.RoutineSymbol, r.RoutineModule?.Name, CliJson.Hex(r.ComponentAddress),
        r.Component, r.StateName, CliJson.Hex(r.Checksum), r.ChecksumValid, r.IsClassic ? CliJson.Hex(r.Buffer) : null, r.IsClassic ? r.Length : null,
        [.. r.Findings.Select(Finding)]);

    public static JsonCallbackList List(CallbackListInfo list) =>
        new(list.Kind.ToString(), CliJson.Hex(list.Head), list.Source.ToString(), [.. list.Records.Select(Record)], [.. list.Findings.Select(Finding)]);
}

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonModulesDocument))]
[JsonSerializable(typeof(JsonCallbacksDocument))]
internal sealed partial class ForensicsJsonContext : JsonSerializerContext;
