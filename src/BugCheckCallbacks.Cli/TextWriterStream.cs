using System.Text;

namespace BugCheckCallbacks.Cli;

/// <summary>
/// A write-only stream that decodes UTF-8 into a <see cref="TextWriter"/> as it comes, so a JSON document of a million
/// tags goes out in pieces instead of being built whole in memory first (the console and the tests both take a writer).
/// </summary>
internal sealed class TextWriterStream(TextWriter writer) : Stream
{
    private const int BufferChars = 4096; // grows when one write decodes to more
    private readonly Decoder _decoder = new UTF8Encoding(false).GetDecoder(); // keeps a character split across two writes
    private char[] _chars = new char[BufferChars];

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        var needed = _decoder.GetCharCount(buffer, flush: false);
        if (needed > _chars.Length)
        {
            _chars = new char[needed];
        }

        var written = _decoder.GetChars(buffer, _chars, flush: false);
        writer.Write(_chars, 0, written);
    }

    public override void Flush() => writer.Flush();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
