using System.Text.Json.Serialization;

namespace BugCheckCallbacks.Simulation;

/// <summary>The source-generated JSON contract of <see cref="BugCheckOutcome"/>: camelCase names, enums as strings.</summary>
[JsonSourceGenerationOptions(
    WriteIndented = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(BugCheckOutcome))]
internal sealed partial class OutcomeJsonContext : JsonSerializerContext;
