using System.Text.Json;
using System.Text.Json.Serialization;
using BugCheckCallbacks.Cli.Reading;
using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Cli.Output;

/// <summary>
/// The documents <c>--json</c> prints (docs/cli.md, "JSON output", schema version 1): camelCase, one document per run,
/// 64-bit values as hex strings so that jq and JavaScript keep every bit. <c>simulate --json</c> prints the outcome
/// report's own schema instead (docs/simulation.md).
/// </summary>
internal static class CliJson
{
    public const int SchemaVersion = 1;

    public static string Hex(ulong value) => HexText.Of(value);

    public static string Hex(long value) => HexText.Of(value);

    public static JsonTag Tag(DumpTag tag) => new(tag.Tag, tag.FriendlyName, tag.Size, Hex(tag.Offset), tag.Component, null, null);

    public static JsonTag Tag(TagView view) => Tag(view.Tag) with { Part = view.Part, Data = view.Preview };
}

internal sealed record JsonError(int ExitCode, string Message);

/// <summary>One tag in enumtag's and show's JSON.</summary>
/// <param name="Tag">The GUID.</param>
/// <param name="Name">A well-known tag's name.</param>
/// <param name="Size">The data's size in bytes.</param>
/// <param name="Offset">The data's file offset.</param>
/// <param name="Component">The component that wrote it, from the outcome report beside the dump.</param>
/// <param name="Part">When blocks share the tag: "part 2 of 3" (multi-part data) or which duplicate; else null.</param>
/// <param name="Data">The first 8 bytes, as hex and text (enumtag only).</param>
internal sealed record JsonTag(Guid Tag, string? Name, uint Size, string Offset, string? Component, string? Part, string? Data);

internal sealed record JsonRun(string BasePage, string PageCount);

/// <summary>One file in enumtag's JSON.</summary>
/// <param name="File">The path as given.</param>
/// <param name="Kind">A kernel dump or a bare DumpBlob region.</param>
/// <param name="BuildNumber">The region's build number.</param>
/// <param name="Error">Why the file could not be read.</param>
/// <param name="Tags">Lazy: enumerated once, while the document is written, so a region of a million tags streams.</param>
internal sealed record JsonTagsFile(string File, string? Kind, uint? BuildNumber, IEnumerable<JsonTag>? Tags, JsonError? Error);

internal sealed record JsonTagsDocument(int SchemaVersion, string Command, List<JsonTagsFile> Files);

internal sealed record JsonHeader(
    uint DumpType,
    string Layout,
    uint MajorVersion,
    uint MinorVersion,
    string BugCheckCode,
    List<string> BugCheckParameters,
    string DirectoryTableBase,
    string MachineImageType,
    uint NumberProcessors,
    string? SystemTime,
    string Comment,
    string RequiredDumpSpace,
    string NumberOfPages);

internal sealed record JsonShowFile(
    string File,
    JsonHeader? Header,
    List<JsonRun>? PhysicalMemoryRuns,
    string? StoredPages,
    IEnumerable<JsonRun>? StoredRuns, // lazy, like VirtualMappings: a bitmap of a million runs streams
    string? BodyEnd,
    string? SecondaryDataOffset,
    List<JsonTag>? Tags,
    JsonElement? Outcome,
    JsonError? Error,
    CrashAnalysis? Analysis = null,
    JsonTriage? Triage = null,
    IEnumerable<JsonVirtualMapping>? VirtualMappings = null);

/// <summary>A run of virtual pages the page tables map to consecutive stored physical pages.</summary>
internal sealed record JsonVirtualMapping(string VirtualAddress, string PhysicalAddress, string Pages);

/// <summary>A small memory dump's PAGEDUMP_TRIAGE, driver list and data blocks.</summary>
internal sealed record JsonTriage(string Fields, string SizeOfDump, string ValidOffset, string ContextOffset, string ExceptionOffset, string DebuggerDataOffset, string DataPageAddress, List<JsonTriageDriver> Drivers, List<JsonTriageBlock> DataBlocks);

internal sealed record JsonTriageDriver(string Name, string DllBase, string SizeOfImage);

internal sealed record JsonTriageBlock(string Address, string Size, string Offset);

internal sealed record JsonShowDocument(int SchemaVersion, string Command, List<JsonShowFile> Files);

internal sealed record JsonDbDocument(int SchemaVersion, string Command, string File, string Space, string Address, int Length, string Data, int ReadableBytes);

internal sealed record JsonReason(int Value, string Name, string NativeName, string? Data, string MinimumVersion, bool Dispatched, string Meaning);

internal sealed record JsonReasonsDocument(int SchemaVersion, string Command, List<JsonReason> Reasons);

internal sealed record JsonVtopDocument(int SchemaVersion, string Command, string File, string VirtualAddress, string? PhysicalAddress, string? FileOffset, List<JsonPageTableStep> Steps, string? Failure);

internal sealed record JsonPageTableStep(int Level, string Name, string Table, int Index, string EntryAddress, string? Entry, bool Valid, bool LargePage, bool Writable);

internal sealed record JsonCheckDocument(int SchemaVersion, string Command, string Driver, int Seed, List<JsonCheckReason> Reasons, int Findings);

internal sealed record JsonCheckReason(string Reason, int Seed, int Situations, List<string> NotRun, List<JsonCheckFinding> Findings);

internal sealed record JsonCheckFinding(string Code, string Kind, string Situation, uint? MaximumAllowed, string Phase, int CallNumber, string Detail);

internal sealed record JsonInspectDocument(int SchemaVersion, string Command, List<JsonInspectFile> Files);

internal sealed record JsonInspectFile(
    string File, string? ImageBase, string? SizeOfImage, List<JsonImageSection>? Sections, List<JsonRegistrationCall>? Calls, List<JsonInspectionFinding>? Findings,
    List<JsonReachedImport>? Reached, List<string>? Unresolved, bool? WalkTruncated, JsonError? Error);

internal sealed record JsonReachedImport(string Module, string Routine, string CallAt, List<string> Path, string Verdict);

internal sealed record JsonInspectionFinding(string Kind, bool Forensic, string Rva, string Where, string CallAt, string Detail);

internal sealed record JsonImageSection(string Name, string VirtualAddress, string VirtualSize, bool Executable, bool Discardable, bool Pageable);

internal sealed record JsonRegistrationCall(string Routine, string CallRva, string CallAt, string? Reason, int? ReasonValue, string? CallbackRva, string? Callback, string? RecordRva, string? Record, string? Component, bool? ResultUsed);

[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(JsonTagsDocument))]
[JsonSerializable(typeof(JsonShowDocument))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
[JsonSerializable(typeof(JsonDbDocument))]
[JsonSerializable(typeof(JsonVtopDocument))]
[JsonSerializable(typeof(JsonCheckDocument))]
[JsonSerializable(typeof(JsonInspectDocument))]
[JsonSerializable(typeof(JsonReasonsDocument))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
