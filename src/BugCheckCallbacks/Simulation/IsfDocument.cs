using System.Text.Json.Serialization;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Volatility 3's Intermediate Symbol Format (ISF, schema 6.2.0: its <c>schemas/schema-6.2.0.json</c>): the kernel's
/// types and symbols, the symbol addresses as offsets from the kernel base.
/// </summary>
internal sealed record IsfDocument(
    [property: JsonPropertyName("metadata")] IsfMetadata Metadata,
    [property: JsonPropertyName("base_types")] SortedDictionary<string, IsfBaseType> BaseTypes,
    [property: JsonPropertyName("user_types")] SortedDictionary<string, IsfUserType> UserTypes,
    [property: JsonPropertyName("enums")] SortedDictionary<string, IsfEnum> Enums,
    [property: JsonPropertyName("symbols")] SortedDictionary<string, IsfSymbol> Symbols);

internal sealed record IsfMetadata(
    [property: JsonPropertyName("format")] string Format,
    [property: JsonPropertyName("producer")] IsfProducer Producer,
    [property: JsonPropertyName("windows")] IsfWindows Windows);

internal sealed record IsfProducer([property: JsonPropertyName("name")] string Name, [property: JsonPropertyName("version")] string Version);

internal sealed record IsfWindows([property: JsonPropertyName("pdb")] IsfPdb Pdb);

internal sealed record IsfPdb(
    [property: JsonPropertyName("GUID")] string Guid,
    [property: JsonPropertyName("age")] uint Age,
    [property: JsonPropertyName("database")] string Database,
    [property: JsonPropertyName("machine_type")] int MachineType);

internal sealed record IsfBaseType(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("signed")] bool Signed,
    [property: JsonPropertyName("endian")] string Endian);

internal sealed record IsfUserType(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("fields")] SortedDictionary<string, IsfField> Fields);

internal sealed record IsfField([property: JsonPropertyName("offset")] int Offset, [property: JsonPropertyName("type")] IsfTypeReference Type);

internal sealed record IsfTypeReference(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("name")] string? Name = null,
    [property: JsonPropertyName("subtype")] IsfTypeReference? Subtype = null,
    [property: JsonPropertyName("count")] int? Count = null);

internal sealed record IsfEnum(
    [property: JsonPropertyName("size")] int Size,
    [property: JsonPropertyName("base")] string Base,
    [property: JsonPropertyName("constants")] SortedDictionary<string, long> Constants);

internal sealed record IsfSymbol([property: JsonPropertyName("address")] ulong Address);

[JsonSourceGenerationOptions(WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(IsfDocument))]
internal sealed partial class IsfJsonContext : JsonSerializerContext;
