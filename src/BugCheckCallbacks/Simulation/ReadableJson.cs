using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Writes JSON for files and terminals, not for HTML: indented, and with <c>"</c>, <c>+</c>, <c>&lt;</c>, <c>'</c> and
/// non-ASCII text as themselves instead of <c>\u0022</c>-style escapes (the default encoder's, meant for JSON inside HTML).
/// </summary>
internal static class ReadableJson
{
    private static readonly JsonWriterOptions s_options = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Serialize<T>(T value, JsonTypeInfo<T> type)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, s_options))
        {
            JsonSerializer.Serialize(writer, value, type);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Serialize<T>(Stream utf8Json, T value, JsonTypeInfo<T> type)
    {
        using var writer = new Utf8JsonWriter(utf8Json, s_options);
        JsonSerializer.Serialize(writer, value, type);
    }
}
