using BugCheckCallbacks;
using BugCheckCallbacks.Registration;

namespace DriverCallbacks.Tests;

/// <summary>
/// The driver under test, as its author would write it in C# to model the C original: a log written into the dump as
/// secondary data, a ring of records written in parts, and the driver's state page added to the dump.
/// </summary>
/// <remarks>Every buffer is allocated here, "at DriverEntry": a callback runs at HIGH_LEVEL and must not allocate.</remarks>
public sealed class StorageDriver
{
    public const ulong StatePageAddress = 0xFFFF800000010000; // in the simulated kernel's default virtual memory
    private const int PartSize = 256;

    private readonly byte[] _log = new byte[1024];
    private readonly byte[] _ring = new byte[4 * PartSize];

    public StorageDriver(Guid logTag, Guid ringTag)
    {
        (LogTag, RingTag) = (logTag, ringTag);
        for (var i = 0; i < _log.Length; i++)
        {
            _log[i] = (byte)i;
        }

        _ring.AsSpan().Fill(0xAB);
    }

    public Guid LogTag { get; }

    public Guid RingTag { get; }

    public ReadOnlyMemory<byte> Log => _log;

    public BugCheckReasonCallbackRecord LogRecord { get; } = new();

    public BugCheckReasonCallbackRecord RingRecord { get; } = new();

    public BugCheckReasonCallbackRecord StateRecord { get; } = new();

    /// <summary>DriverEntry: registers the three callbacks.</summary>
    public void Register(BugCheckCallbackRegistry callbacks)
    {
        callbacks.RegisterSecondaryDumpData(LogRecord, OnSecondaryData, "storage.sys");
        callbacks.RegisterSecondaryMultiPartDumpData(RingRecord, OnRingPart, "storage.sys");
        callbacks.RegisterAddPages(StateRecord, OnAddPages, "storage.sys");
    }

    /// <summary>KBUGCHECK_SECONDARY_DUMP_DATA: the size in the sizing pass, the log in the data pass if it fits.</summary>
    public void OnSecondaryData(BugCheckReasonCallbackRecord record, SecondaryDumpData data)
    {
        if (data.IsSizeQuery)
        {
            data.OutBufferLength = (uint)_log.Length;
            return;
        }

        if (data.MaximumAllowed < _log.Length)
        {
            return; // too little room: nothing is better than a truncated log
        }

        data.Guid = LogTag;
        data.SetOutput(_log);
    }

    /// <summary>KBUGCHECK_SECONDARY_DUMP_DATA_EX: one part per call, Context counts the parts.</summary>
    public void OnRingPart(BugCheckReasonCallbackRecord record, SecondaryDumpDataEx data)
    {
        var part = (int)data.Context;
        if (data.MaximumAllowed < PartSize || part >= _ring.Length / PartSize)
        {
            return;
        }

        data.Guid = RingTag;
        data.SetOutput(_ring.AsMemory(part * PartSize, PartSize));
        data.Context = part + 1;
        data.Flags = part + 1 < _ring.Length / PartSize ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
    }

    /// <summary>KBUGCHECK_ADD_PAGES: the driver's state page.</summary>
    public void OnAddPages(BugCheckReasonCallbackRecord record, AddPagesData data)
    {
        data.Flags = PageRangeFlags.VirtualAddress;
        data.Address = StatePageAddress;
        data.Count = 1;
    }
}
