using System.Runtime.InteropServices;
using BugCheckCallbacks.Interop;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Native;

/// <summary>
/// A kernel list head in native memory (<c>KeBugCheckReasonCallbackListHead</c>, <c>KeBugCheckCallbackListHead</c>):
/// the drivers' records are linked into it through their own <c>LIST_ENTRY</c>, as Windows links them.
/// </summary>
internal sealed unsafe class NativeListHead : IDisposable
{
    private readonly LIST_ENTRY* _head;

    public NativeListHead()
    {
        _head = (LIST_ENTRY*)NativeMemory.AllocZeroed((nuint)sizeof(LIST_ENTRY));
        _head->Flink = _head->Blink = (nint)_head;
    }

    /// <summary>Inserts at the head (newest first, as Windows) or the tail (oldest first), as the kernel's order says.</summary>
    public void Link(LIST_ENTRY* entry, CallbackOrder order)
    {
        if (order == CallbackOrder.NewestFirst)
        {
            var first = (LIST_ENTRY*)_head->Flink;
            entry->Flink = (nint)first;
            entry->Blink = (nint)_head;
            first->Blink = (nint)entry;
            _head->Flink = (nint)entry;
        }
        else
        {
            var last = (LIST_ENTRY*)_head->Blink;
            entry->Flink = (nint)_head;
            entry->Blink = (nint)last;
            last->Flink = (nint)entry;
            _head->Blink = (nint)entry;
        }
    }

    /// <summary>Takes <paramref name="entry"/> out of whichever list holds it, and clears its links.</summary>
    public static void Unlink(LIST_ENTRY* entry)
    {
        var next = (LIST_ENTRY*)entry->Flink;
        var previous = (LIST_ENTRY*)entry->Blink;
        previous->Flink = (nint)next;
        next->Blink = (nint)previous;
        entry->Flink = entry->Blink = 0;
    }

    public void Dispose() => NativeMemory.Free(_head);
}
