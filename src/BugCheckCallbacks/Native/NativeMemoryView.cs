using System.Buffers;

namespace BugCheckCallbacks.Native;

/// <summary>
/// A <see cref="Memory{T}"/> over native memory that can be pointed elsewhere: the kernel hands a routine's OutBuffer to
/// the managed checks through it without copying and without allocating per call.
/// </summary>
internal sealed unsafe class NativeMemoryView : MemoryManager<byte>
{
    private nint _pointer;
    private int _length;

    public Memory<byte> Point(nint pointer, int length)
    {
        (_pointer, _length) = (pointer, length);
        return Memory;
    }

    public override Span<byte> GetSpan() => new((void*)_pointer, _length);

    public override MemoryHandle Pin(int elementIndex = 0) => new((byte*)_pointer + elementIndex);

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
