using System.Buffers;
using System.Buffers.Text;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Writes a 64-bit value as a hex string (<c>"0xFFFFE00012340000"</c>): JavaScript and jq read JSON numbers as doubles
/// and lose the low bits of addresses. Reads that form, and plain JSON numbers for files written before it.
/// </summary>
internal sealed class HexUInt64JsonConverter : JsonConverter<ulong>
{
    public override ulong Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return reader.GetUInt64();
        }

        var text = reader.GetString();
        return text is { Length: > 2 } && text.StartsWith("0x", StringComparison.OrdinalIgnoreCase) &&
            ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new JsonException($"\"{text}\" is not a 64-bit value in the form \"0x\" followed by hex digits.");
    }

    public override void Write(Utf8JsonWriter writer, ulong value, JsonSerializerOptions options)
    {
        Span<byte> text = stackalloc byte[18];
        "0x"u8.CopyTo(text);
        Utf8Formatter.TryFormat(value, text[2..], out var written, new StandardFormat('X'));
        writer.WriteStringValue(text[..(2 + written)]);
    }
}
