using System.Collections;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// The functions from a callback routine to one it reaches, each as its entry RVA, the routine first: a node that
/// points at its caller's, so a walk down a chain of 100,000 functions keeps one node per function rather than a copy
/// of the path so far in each (which grows with the square of the depth). The list is built when it is read.
/// </summary>
internal sealed class CallPath : IReadOnlyList<uint>
{
    private readonly CallPath? _caller;
    private readonly uint _entry;

    public CallPath(uint entry, CallPath? caller) => (_entry, _caller, Count) = (entry, caller, (caller?.Count ?? 0) + 1);

    public int Count { get; }

    public uint this[int index] => (uint)index < (uint)Count ? Node(index)._entry : throw new ArgumentOutOfRangeException(nameof(index), index, $"The path holds {Count} functions.");

    public IEnumerator<uint> GetEnumerator()
    {
        var entries = new uint[Count];
        for (var node = this; node is not null; node = node._caller)
        {
            entries[node.Count - 1] = node._entry;
        }

        return ((IEnumerable<uint>)entries).GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private CallPath Node(int index)
    {
        var node = this;
        while (node.Count - 1 > index)
        {
            node = node._caller!;
        }

        return node;
    }
}
