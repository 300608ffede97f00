using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Simulation;

/// <summary>Small helpers to register callbacks on a simulated kernel in tests.</summary>
internal static class Callbacks
{
    public static BugCheckReasonCallbackRecord Register(this SimulatedKernel kernel, BugCheckCallbackReason reason, string component, BugCheckReasonCallback callback)
    {
        var record = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.Register(record, callback, reason, component).Should().BeTrue();
        return record;
    }

    /// <summary>A well-behaved SecondaryDumpData callback: reports its size, then returns its resident buffer under its tag.</summary>
    public static BugCheckReasonCallback SecondaryWriter(Guid tag, byte[] resident) => (_, _, data) =>
    {
        var d = (SecondaryDumpData)data!;
        if (d.IsSizeQuery)
        {
            d.OutBufferLength = (uint)resident.Length;
            return;
        }

        d.Guid = tag;
        d.SetOutput(resident);
    };

    /// <summary>A well-behaved multi-part callback: <paramref name="parts"/> parts of <paramref name="size"/> bytes, each starting with its number.</summary>
    public static BugCheckReasonCallback MultiPartWriter(Guid tag, int parts, int size)
    {
        var resident = new byte[size];
        return (_, _, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            var part = (int)d.Context;
            resident[0] = (byte)part;
            d.Guid = tag;
            d.SetOutput(resident);
            d.Context = part + 1;
            d.Flags = part + 1 < parts ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        };
    }

    /// <summary>A well-behaved AddPages/RemovePages callback that names the given ranges one call each.</summary>
    public static BugCheckReasonCallback PageRanges(PageRangeFlags space, params (ulong Address, ulong Count)[] ranges) => (_, _, data) =>
    {
        var d = (PageRangeData)data!;
        var next = (int)d.Context;
        d.Flags = space | (next + 1 < ranges.Length ? PageRangeFlags.AdditionalRangesExist : PageRangeFlags.None);
        d.Address = ranges[next].Address;
        d.Count = ranges[next].Count;
        d.Context = next + 1;
    };

    public static Violation[] Of(this BugCheckOutcome outcome, ViolationKind kind) => outcome.Violations.Where(v => v.Kind == kind).ToArray();
}
