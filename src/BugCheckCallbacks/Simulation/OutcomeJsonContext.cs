using System.Text.Json.Serialization;

namespace BugCheckCallbacks.Simulation;

/// <summary>The source-generated JSON contract of <see cref="BugCheckOutcome"/>: camelCase names, enums as strings, 64-bit values as hex strings.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    Converters = [typeof(HexUInt64JsonConverter)])]
[JsonSerializable(typeof(BugCheckOutcome))]
internal sealed partial class OutcomeJsonContext : JsonSerializerContext;
