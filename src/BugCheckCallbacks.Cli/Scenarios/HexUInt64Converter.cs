using System.Text.Json;
using System.Text.Json.Serialization;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>Reads a number given as a JSON number or as a string in hex ("0x…") or decimal.</summary>
internal sealed class HexUInt64Converter : JsonConverter<ulong>
{
    public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => ReadValue(ref reader);

    public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options) => writer.WriteStringValue($"0x{value:X}");

    internal static ulong ReadValue(ref Utf8JsonReader reader)
    {
        if (reader.TokenType == JsonTokenType.Number && reader.TryGetUInt64(out var number))
        {
            return number;
        }

        if (reader.TokenType == JsonTokenType.String && NumberText.TryParse(reader.GetString(), out var parsed))
        {
            return parsed;
        }

        throw new JsonException("Expected a number: a JSON number, or a string in hex (0x…) or decimal, from 0 to 2^64-1.");
    }
}

/// <summary>Reads a list of numbers in the forms <see cref="HexUInt64Converter"/> accepts.</summary>
internal sealed class HexUInt64ListConverter : JsonConverter<List<ulong>>
{
    public override List<ulong> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("Expected an array of numbers.");
        }

        var values = new List<ulong>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(HexUInt64Converter.ReadValue(ref reader));
        }

        return values;
    }

    public override void Write(Utf8JsonWriter writer, List<ulong> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var item in value)
        {
            writer.WriteStringValue($"0x{item:X}");
        }

        writer.WriteEndArray();
    }
}
