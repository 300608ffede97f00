using System.Text.Json;
using System.Text.Json.Serialization;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>
/// Reads a scenario number: a JSON number, or a string in any form the command line accepts (<see cref="NumberText"/>),
/// checked against the field's range. Writes a hex string.
/// </summary>
internal abstract class ScenarioNumberConverter<T>(ulong max, ulong min = 0) : JsonConverter<T>
    where T : struct
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => FromUInt64(ReadValue(ref reader, min, max));

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue($"0x{value:X}");

    internal static ulong ReadValue(ref Utf8JsonReader reader, ulong min, ulong max)
    {
        ulong value;
        string shown;
        if (reader.TokenType == JsonTokenType.Number)
        {
            shown = System.Text.Encoding.UTF8.GetString(reader.ValueSpan);
            if (!reader.TryGetUInt64(out value))
            {
                throw new JsonException($"{shown} is not a whole number from 0x{min:X} to 0x{max:X}.");
            }
        }
        else if (reader.TokenType == JsonTokenType.String)
        {
            shown = $"\"{reader.GetString()}\"";
            if (!NumberText.TryParse(reader.GetString(), out value))
            {
                throw new JsonException($"{shown} is not a number; numbers are JSON numbers or strings: {NumberText.Forms}.");
            }
        }
        else
        {
            throw new JsonException($"a {reader.TokenType.ToString().ToLowerInvariant()} is not a number; numbers are JSON numbers or strings: {NumberText.Forms}.");
        }

        if (value < min || value > max)
        {
            throw new JsonException($"{shown} (0x{value:X}) is out of range: it must be from 0x{min:X} to 0x{max:X}.");
        }

        return value;
    }

    protected abstract T FromUInt64(ulong value);
}

internal sealed class UInt64NumberConverter() : ScenarioNumberConverter<ulong>(ulong.MaxValue)
{
    protected override ulong FromUInt64(ulong value) => value;
}

internal sealed class UInt32NumberConverter() : ScenarioNumberConverter<uint>(uint.MaxValue)
{
    protected override uint FromUInt64(ulong value) => (uint)value;
}

/// <summary>A non-negative <see cref="int"/>: sizes, part counts, call numbers.</summary>
internal sealed class CountNumberConverter() : ScenarioNumberConverter<int>(int.MaxValue)
{
    protected override int FromUInt64(ulong value) => (int)value;
}

/// <summary>A list of numbers in the forms <see cref="UInt64NumberConverter"/> reads.</summary>
internal sealed class UInt64ListConverter : JsonConverter<List<ulong>>
{
    public override List<ulong> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected an array of numbers.");
        }

        var values = new List<ulong>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            values.Add(ScenarioNumberConverter<ulong>.ReadValue(ref reader, 0, ulong.MaxValue));
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

/// <summary>
/// Reads an enum by name, case-insensitively, and only the names in <c>allowed</c>; numbers are refused, so a scenario
/// never smuggles in a value the kernel does not write. The message lists the valid names.
/// </summary>
internal abstract class NamedEnumConverter<T>(params T[] allowed) : JsonConverter<T>
    where T : struct, Enum
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        foreach (var value in allowed)
        {
            if (string.Equals(text, value.ToString(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        var shown = reader.TokenType == JsonTokenType.String ? $"\"{text}\"" : reader.TokenType == JsonTokenType.Number ? System.Text.Encoding.UTF8.GetString(reader.ValueSpan) : $"a {reader.TokenType.ToString().ToLowerInvariant()}";
        throw new JsonException($"{shown} is not one of {string.Join(", ", allowed)}.");
    }

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}
