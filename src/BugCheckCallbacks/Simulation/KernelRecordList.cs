using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// One of the kernel's three callback lists as the dump's memory holds it: its records in list order, each one's address
/// (in the pool, or its own in a native driver's memory) and, once rendered, the state the dump shows. Parallel arrays, so
/// that laying out and rendering 100,000 records looks nothing up.
/// </summary>
internal sealed class KernelRecordList(uint headOffset, object[] records)
{
    public uint HeadOffset { get; } = headOffset;

    public object[] Records { get; } = records;

    public ulong[] Addresses { get; } = new ulong[records.Length];

    public bool[] Hosted { get; } = new bool[records.Length];

    public BufferDumpState[] States { get; } = new BufferDumpState[records.Length];

    public int Count => Records.Length;

    /// <summary>Sorts records by registration order: newest first (Windows inserts at the head), or oldest first (ReactOS).</summary>
    public static object[] InListOrder(List<BugCheckReasonCallbackRecord> records, CallbackOrder order)
    {
        var keys = new long[records.Count];
        var items = new object[records.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = order == CallbackOrder.NewestFirst ? -records[i].Sequence : records[i].Sequence;
            items[i] = records[i];
        }

        Array.Sort(keys, items);
        return items;
    }

    public static BufferDumpState StateOf(object record) =>
        record is BugCheckReasonCallbackRecord reason ? reason.State : ((BugCheckCallbackRecord)record).State;
}
