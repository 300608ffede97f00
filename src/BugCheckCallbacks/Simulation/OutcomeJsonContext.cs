using System.Text.Json.Serialization;

namespace BugCheckCallbacks.Simulation;

/// <summary>The source-generated JSON contract of <see cref="BugCheckOutcome"/>: camelCase names, enums as strings, 64-bit values as hex strings.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    AllowDuplicateProperties = false, // a report is a file from anywhere: a key given twice is an error, not "the last wins"
    Converters = [typeof(HexUInt64JsonConverter)])]
[JsonSerializable(typeof(BugCheckOutcome))]
internal sealed partial class OutcomeJsonContext : JsonSerializerContext;
