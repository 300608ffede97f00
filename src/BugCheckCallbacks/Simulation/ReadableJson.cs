using System.Buffers;
using System.Collections.Concurrent;
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

    /// <summary>
    /// Writes to the stream as the text goes: the stream overload flushes its buffer as it fills, where a writer over the
    /// stream holds the whole text until the end (33 MB for an outcome of 100,000 callbacks).
    /// </summary>
    public static void Serialize<T>(Stream utf8Json, T value, JsonTypeInfo<T> type)
    {
        var options = s_streamOptions.GetOrAdd(type.Options, static o => new JsonSerializerOptions(o) { Encoder = s_options.Encoder });
        JsonSerializer.Serialize(utf8Json, value, (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T)));
    }

    private static readonly ConcurrentDictionary<JsonSerializerOptions, JsonSerializerOptions> s_streamOptions = new(ReferenceEqualityComparer.Instance);
}
