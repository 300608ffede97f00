using BugCheckCallbacks.Dump;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>Reads what a simulated bug check wrote into an <see cref="InMemoryDumpSink"/>, through the library's reader.</summary>
internal static class DumpSinkExtensions
{
    /// <summary>Every secondary-data blob in region order, duplicates included, with its data.</summary>
    public static (Guid Tag, byte[] Data)[] Blobs(this InMemoryDumpSink sink)
    {
        var bytes = sink.ToArray();
        using var dump = sink.Open();
        return dump.EnumerateTags().Select(t => (t.Tag, bytes.AsSpan((int)t.Offset, (int)t.Size).ToArray())).ToArray();
    }

    /// <summary>Reads <paramref name="length"/> bytes of virtual memory; fails the test when any is missing.</summary>
    public static byte[] ReadVirtual(this InMemoryDumpSink sink, ulong address, int length)
    {
        using var dump = sink.Open();
        var data = new byte[length];
        dump.ReadVirtual(address, data).Should().Be(length, "virtual 0x{0:X} is readable in the dump", address);
        return data;
    }
}
