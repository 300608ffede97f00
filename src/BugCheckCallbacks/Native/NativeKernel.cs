using System.Runtime.InteropServices;
using System.Text;
using BugCheckCallbacks.Interop;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Native;

/// <summary>
/// The native side of one simulated kernel: the drivers' records in their own memory, the kernel's list heads they are
/// linked into, and the structures a native routine is handed, in native memory allocated once.
/// </summary>
internal sealed unsafe class NativeKernel : IKernelExtension, IDisposable
{
    private const int DataSize = 0x68; // the largest structure a routine is handed: KBUGCHECK_SECONDARY_DUMP_DATA_EX

    [ThreadStatic]
    private static NativeDriver? t_calling;

    private readonly SimulatedKernel _kernel;
    private readonly List<NativeDriver> _drivers = [];
    private readonly Dictionary<nint, NativeReasonRecord> _reasonRecords = [];
    private readonly Dictionary<nint, NativeClassicRecord> _classicRecords = [];
    private readonly Dictionary<nint, TriageDumpDataArray> _triageArrays = [];
    private readonly NativeMemoryView _outBuffer = new();
    private readonly LIST_ENTRY* _reasonList;
    private readonly LIST_ENTRY* _classicList;
    private readonly byte* _data;
    private byte* _inBuffer;
    private uint _inBufferCapacity;
    private uint _inBufferLength;
    private byte* _ioBuffer;
    private int _ioBufferCapacity;

    private NativeKernel(SimulatedKernel kernel)
    {
        _kernel = kernel;
        _reasonList = NewListHead();
        _classicList = NewListHead();
        _data = (byte*)NativeMemory.AllocZeroed(DataSize);

        // Never NULL, even for an InBufferLength of 0: the data pass hands OutBuffer == InBuffer, and a routine tells the
        // sizing pass from the data pass by OutBuffer == NULL.
        _inBufferCapacity = SecondaryDumpData.DefaultInBufferLength;
        _inBuffer = (byte*)NativeMemory.AllocZeroed(_inBufferCapacity);
    }

    /// <summary>Gets the driver whose code runs on this thread (DriverEntry, DriverUnload, or one of its routines), or null.</summary>
    public static NativeDriver? Calling => t_calling;

    /// <summary>Gets the native side of <paramref name="kernel"/>, created with its first driver.</summary>
    public static NativeKernel Of(SimulatedKernel kernel) => (NativeKernel)(kernel.Extension ??= new NativeKernel(kernel));

    /// <summary>Gets the drivers loaded into the kernel, in load order.</summary>
    public IReadOnlyList<NativeDriver> Drivers => _drivers;

    public void AddDriver(NativeDriver driver) => _drivers.Add(driver);

    public void RemoveDriver(NativeDriver driver) => _drivers.Remove(driver);

    /// <inheritdoc/>
    public void OnThreadStart() => Touch();

    /// <inheritdoc/>
    public bool InterruptRoutine()
    {
        var running = false;
        foreach (var driver in _drivers)
        {
            running |= driver.Interrupt();
        }

        return running;
    }

    /// <summary>Marks <paramref name="driver"/> as the one running on this thread; returns the one to restore.</summary>
    public static NativeDriver? Enter(NativeDriver? driver)
    {
        var outer = t_calling;
        t_calling = driver;
        return outer;
    }

    public static void Leave(NativeDriver? outer) => t_calling = outer;

    /// <summary>Makes this thread's first access to the calling driver now: it allocates, and must not inside a routine's call.</summary>
    public static void Touch() => t_calling = null;

    public bool RegisterReason(NativeDriver driver, nint address, nint routine, BugCheckCallbackReason reason, nint component)
    {
        var record = (KBUGCHECK_REASON_CALLBACK_RECORD*)address;
        if (!driver.Memory.Owns(address, (ulong)sizeof(KBUGCHECK_REASON_CALLBACK_RECORD)) || record->State != (byte)BufferDumpState.Empty ||
            routine == 0 || ComponentName(driver, component) is not { } name)
        {
            return false;
        }

        var twin = new BugCheckReasonCallbackRecord();
        var entry = new NativeReasonRecord(driver, address, routine, reason, component, twin);
        if (reason is < BugCheckCallbackReason.Reserved1 or > BugCheckCallbackReason.Reserved3 || !_kernel.Callbacks.RegisterHosted(twin, entry.Call, reason, name, ((ulong)routine, (ulong)component)))
        {
            return false;
        }

        record->CallbackRoutine = routine;
        record->Component = component;
        record->Reason = (KBUGCHECK_CALLBACK_REASON)reason;
        record->Checksum = entry.Checksum;
        record->State = (byte)BufferDumpState.Inserted;
        Link(_reasonList, &record->Entry);
        _reasonRecords[address] = entry;
        driver.Added(twin);
        return true;
    }

    public bool DeregisterReason(nint address)
    {
        if (!_reasonRecords.TryGetValue(address, out var entry) || !_kernel.Callbacks.Deregister(entry.Twin))
        {
            return false;
        }

        var record = (KBUGCHECK_REASON_CALLBACK_RECORD*)address;
        Unlink(&record->Entry);
        record->State = (byte)BufferDumpState.Empty;
        _reasonRecords.Remove(address);
        return true;
    }

    public bool RegisterClassic(NativeDriver driver, nint address, nint routine, nint buffer, uint length, nint component)
    {
        var record = (KBUGCHECK_CALLBACK_RECORD*)address;
        if (!driver.Memory.Owns(address, (ulong)sizeof(KBUGCHECK_CALLBACK_RECORD)) || record->State != (byte)BufferDumpState.Empty ||
            routine == 0 || (length > 0 && !driver.Memory.Owns(buffer, length)) || ComponentName(driver, component) is not { } name)
        {
            return false;
        }

        var twin = new BugCheckCallbackRecord();
        var entry = new NativeClassicRecord(driver, address, routine, buffer, length, twin);
        var memory = length > 0 ? new NativeMemoryView().Point(buffer, (int)length) : Memory<byte>.Empty;
        if (!_kernel.Callbacks.RegisterClassicHosted(twin, entry.Call, memory, name, ((ulong)routine, (ulong)buffer, (ulong)component)))
        {
            return false;
        }

        record->CallbackRoutine = routine;
        record->Buffer = buffer;
        record->Length = length;
        record->Component = component;
        record->Checksum = unchecked((nuint)routine + (nuint)buffer + length + (nuint)component);
        record->State = (byte)BufferDumpState.Inserted;
        Link(_classicList, &record->Entry);
        _classicRecords[address] = entry;
        driver.Added(twin);
        return true;
    }

    public bool DeregisterClassic(nint address)
    {
        if (!_classicRecords.TryGetValue(address, out var entry) || !_kernel.Callbacks.DeregisterClassic(entry.Twin))
        {
            return false;
        }

        var record = (KBUGCHECK_CALLBACK_RECORD*)address;
        Unlink(&record->Entry);
        record->State = (byte)BufferDumpState.Empty;
        _classicRecords.Remove(address);
        return true;
    }

    public nint AddressOf(NativeDriver driver, BugCheckReasonCallbackRecord record)
    {
        foreach (var (address, entry) in _reasonRecords)
        {
            if (entry.Driver == driver && entry.Twin == record)
            {
                return address;
            }
        }

        return 0;
    }

    /// <summary>
    /// Deregisters every record of <paramref name="driver"/> (it is unloading) and forgets them all, so that nothing touches
    /// its memory once it is freed. After a bug check the registry keeps the Finished twins (a kernel bug-checks once).
    /// </summary>
    public void DeregisterAll(NativeDriver driver)
    {
        foreach (var address in _reasonRecords.Where(r => r.Value.Driver == driver).Select(r => r.Key).ToArray())
        {
            DeregisterReason(address);
            _reasonRecords.Remove(address);
        }

        foreach (var address in _classicRecords.Where(r => r.Value.Driver == driver).Select(r => r.Key).ToArray())
        {
            DeregisterClassic(address);
            _classicRecords.Remove(address);
        }

        foreach (var address in _triageArrays.Keys.Where(driver.Memory.Owns).ToArray())
        {
            _triageArrays.Remove(address);
        }
    }

    /// <summary><c>KeInitializeTriageDumpDataArray</c>: the managed rules, applied to the driver's array in its memory.</summary>
    public NtStatus InitializeTriageArray(NativeDriver driver, nint address, uint size)
    {
        if (size < TriageDumpDataArray.MinimumSize || !driver.Memory.Owns(address, size))
        {
            return NtStatus.InvalidParameter2;
        }

        var twin = new TriageDumpDataArray(size);
        _triageArrays[address] = twin;
        var array = (KTRIAGE_DUMP_DATA_ARRAY*)address;
        array->List.Flink = array->List.Blink = (nint)(&array->List);
        array->ComponentNameBufferLength = 0;
        array->ComponentName = 0;
        WriteTriageHeader(array, twin);
        return NtStatus.Success;
    }

    /// <summary><c>KeAddTriageDumpDataBlock</c>: the managed rules, then the block and counts written into the driver's array.</summary>
    public NtStatus AddTriageBlock(NativeDriver driver, nint address, nint block, nuint size)
    {
        if (!_triageArrays.TryGetValue(address, out var twin))
        {
            return NtStatus.InvalidDeviceState;
        }

        var status = twin.AddBlock((ulong)block, size);
        if (status == NtStatus.Success)
        {
            var array = (KTRIAGE_DUMP_DATA_ARRAY*)address;
            var blocks = (KADDRESS_RANGE*)&array->Blocks;
            blocks[twin.NumBlocksUsed - 1] = new KADDRESS_RANGE { Address = block, Size = size };
            WriteTriageHeader(array, twin);
        }

        return status;
    }

    /// <summary>Pool before the crash; during it (HIGH_LEVEL) the call is noted as a violation and fails.</summary>
    public static nint AllocatePool(NativeDriver driver, nuint size)
    {
        if (SimulatedKernel.Current is not null)
        {
            RoutineNotes.PoolCall(size);
            return 0;
        }

        return driver.Memory.Allocate(size);
    }

    /// <summary>Calls a native reason routine: the structure into native memory, the routine, then what it set back.</summary>
    public void CallReason(NativeReasonRecord entry, BugCheckCallbackReason reason, ReasonCallbackData? data)
    {
        var outer = Enter(entry.Driver);
        try
        {
            ((KBUGCHECK_REASON_CALLBACK_RECORD*)entry.Address)->State = (byte)entry.Twin.State;
            var (structure, length) = HandOver(data);
            switch (entry.Driver.Glue->InvokeReasonRoutine(entry.Routine, (int)reason, entry.Address, structure, length))
            {
                case 0:
                    break;
                case BccDriverGlue.Faulted:
                    throw entry.Driver.TakeFault($"The {reason} routine");
                default:
                    throw entry.Driver.TakeBugCheck();
            }

            TakeBack(entry.Driver, data);
        }
        finally
        {
            Leave(outer);
        }
    }

    public void CallClassic(NativeClassicRecord entry)
    {
        var outer = Enter(entry.Driver);
        try
        {
            switch (entry.Driver.Glue->InvokeClassicRoutine(entry.Routine, entry.Buffer, entry.Length))
            {
                case 0:
                    break;
                case BccDriverGlue.Faulted:
                    throw entry.Driver.TakeFault("The classic routine");
                default:
                    throw entry.Driver.TakeBugCheck();
            }
        }
        finally
        {
            Leave(outer);
        }
    }

    /// <summary>
    /// Before a bug check: a record whose memory no longer holds what registration wrote (a stray write over its checksum,
    /// state, routine or reason) is skipped, as Windows skips it.
    /// </summary>
    public void BeforeRun()
    {
        foreach (var entry in _reasonRecords.Values)
        {
            var record = (KBUGCHECK_REASON_CALLBACK_RECORD*)entry.Address;
            var intact = record->State == (byte)BufferDumpState.Inserted && record->Reason == (KBUGCHECK_CALLBACK_REASON)entry.Reason &&
                record->CallbackRoutine == entry.Routine && record->Component == entry.Component && record->Checksum == entry.Checksum;
            if (!intact && entry.Twin.IsChecksumValid)
            {
                entry.Twin.CorruptChecksum();
            }
        }
    }

    /// <summary>
    /// The options a run uses: the kernel's, with every loaded driver's memory (image and pool, in whole pages) added to
    /// the simulated machine as virtual memory at the very addresses the driver uses, backed by the driver's own bytes.
    /// So <c>&amp;MyState</c> is an address of the machine being dumped: AddPages and triage blocks may name it, and the
    /// dump holds what the driver's memory holds when the dump is written.
    /// </summary>
    public SimulationOptions OptionsFor(SimulationOptions options)
    {
        var merged = new List<(nint Start, nint End)>();
        foreach (var (start, end) in _drivers.SelectMany(driver => driver.Memory.Pages()).OrderBy(r => r.Start))
        {
            if (merged.Count > 0 && start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, end));
            }
            else
            {
                merged.Add((start, end));
            }
        }

        if (merged.Count == 0)
        {
            return options;
        }

        var regions = merged.Select(r => new MemoryRegion(
            AddressSpace.Virtual,
            new AddressRange((ulong)r.Start, (ulong)(r.End - r.Start)),
            new NativeMemoryView().Point(r.Start, (int)(r.End - r.Start))));
        return options with { MemoryMap = new SimulatedMemoryMap(options.MemoryMap.Regions.Concat(regions)), Hosted = Hosted() };
    }

    /// <summary>The drivers' images as loaded modules, and where each driver's records are in its memory.</summary>
    private HostedMemory Hosted() => new(
        [.. _drivers.Where(d => d.Memory.ImageEnd > d.Memory.ImageStart)
            .Select(d => new HostedModule(d.Name + ".sys", d.Path, (ulong)d.Memory.ImageStart, (ulong)(d.Memory.ImageEnd - d.Memory.ImageStart)))],
        _reasonRecords.ToDictionary(e => e.Value.Twin, e => (ulong)e.Key),
        _classicRecords.ToDictionary(e => e.Value.Twin, e => (ulong)e.Key));

    /// <summary>After a bug check or a single call: every record's State in the driver's memory is what the kernel left.</summary>
    public void AfterRun()
    {
        foreach (var entry in _reasonRecords.Values)
        {
            ((KBUGCHECK_REASON_CALLBACK_RECORD*)entry.Address)->State = (byte)entry.Twin.State;
        }

        foreach (var entry in _classicRecords.Values)
        {
            ((KBUGCHECK_CALLBACK_RECORD*)entry.Address)->State = (byte)entry.Twin.State;
        }
    }

    public void Dispose()
    {
        NativeMemory.Free(_reasonList);
        NativeMemory.Free(_classicList);
        NativeMemory.Free(_data);
        NativeMemory.Free(_inBuffer);
        NativeMemory.Free(_ioBuffer);
    }

    private static LIST_ENTRY* NewListHead()
    {
        var head = (LIST_ENTRY*)NativeMemory.AllocZeroed((nuint)sizeof(LIST_ENTRY));
        head->Flink = head->Blink = (nint)head;
        return head;
    }

    private static void Unlink(LIST_ENTRY* entry)
    {
        var next = (LIST_ENTRY*)entry->Flink;
        var previous = (LIST_ENTRY*)entry->Blink;
        previous->Flink = (nint)next;
        next->Blink = (nint)previous;
        entry->Flink = entry->Blink = 0;
    }

    private static void WriteTriageHeader(KTRIAGE_DUMP_DATA_ARRAY* array, TriageDumpDataArray twin)
    {
        array->NumBlocksUsed = twin.NumBlocksUsed;
        array->NumBlocksTotal = twin.NumBlocksTotal;
        array->DataSize = (uint)twin.DataSize;
        array->MaxDataSize = twin.MaxDataSize;
    }

    /// <summary>The component name (<c>PUCHAR</c>, ASCII, NUL-terminated, at most 256 bytes in the driver's memory); "" for NULL, null when unreadable.</summary>
    private static string? ComponentName(NativeDriver driver, nint component)
    {
        if (component == 0)
        {
            return string.Empty;
        }

        var available = driver.Memory.Available(component);
        if (available <= 0)
        {
            return null;
        }

        var text = new ReadOnlySpan<byte>((void*)component, (int)Math.Min(available, 256));
        var end = text.IndexOf((byte)0);
        return end < 0 ? null : Encoding.ASCII.GetString(text[..end]);
    }

    /// <summary>Inserts at the head (newest first, as Windows) or the tail (oldest first), as the kernel's order says.</summary>
    private void Link(LIST_ENTRY* head, LIST_ENTRY* entry)
    {
        if (_kernel.Options.Order == CallbackOrder.NewestFirst)
        {
            var first = (LIST_ENTRY*)head->Flink;
            entry->Flink = (nint)first;
            entry->Blink = (nint)head;
            first->Blink = (nint)entry;
            head->Flink = (nint)entry;
        }
        else
        {
            var last = (LIST_ENTRY*)head->Blink;
            entry->Flink = (nint)head;
            entry->Blink = (nint)last;
            last->Flink = (nint)entry;
            head->Blink = (nint)entry;
        }
    }

    /// <summary>Writes the managed structure into native memory as the routine's <c>ReasonSpecificData</c>; returns it and its length.</summary>
    private (nint Structure, uint Length) HandOver(ReasonCallbackData? data)
    {
        switch (data)
        {
            case null:
                return (0, 0);
            case SecondaryDumpDataEx multiPart:
            {
                var native = (KBUGCHECK_SECONDARY_DUMP_DATA_EX*)_data;
                *native = default;
                HandOverSecondary(multiPart);
                native->Context = multiPart.Context;
                native->Flags = (uint)multiPart.Flags;
                native->DumpType = (uint)multiPart.DumpType;
                native->BugCheckCode = multiPart.BugCheckCode;
                native->BugCheckParameter1 = (nuint)multiPart.BugCheckParameter1;
                native->BugCheckParameter2 = (nuint)multiPart.BugCheckParameter2;
                native->BugCheckParameter3 = (nuint)multiPart.BugCheckParameter3;
                native->BugCheckParameter4 = (nuint)multiPart.BugCheckParameter4;
                return ((nint)native, SecondaryDumpDataEx.NativeSize);
            }

            case SecondaryDumpData secondary:
                *(KBUGCHECK_SECONDARY_DUMP_DATA*)_data = default;
                HandOverSecondary(secondary);
                return ((nint)_data, SecondaryDumpData.NativeSize);

            case PageRangeData pages:
            {
                var native = (KBUGCHECK_ADD_PAGES*)_data;
                native->Context = pages.Context;
                native->Flags = (uint)pages.Flags;
                native->BugCheckCode = pages.BugCheckCode;
                native->Address = (nuint)pages.Address;
                native->Count = (nuint)pages.Count;
                return ((nint)native, PageRangeData.NativeSize);
            }

            case DumpIoData io:
            {
                var native = (KBUGCHECK_DUMP_IO*)_data;
                native->Offset = (ulong)io.Offset;
                native->Buffer = io.Buffer.IsEmpty ? 0 : IoBuffer(io.Buffer.Span);
                native->BufferLength = io.BufferLength;
                native->Type = (KBUGCHECK_DUMP_IO_TYPE)io.Type;
                return ((nint)native, DumpIoData.NativeSize);
            }

            default:
            {
                var triage = (TriageDumpData)data;
                var native = (KBUGCHECK_TRIAGE_DUMP_DATA*)_data;
                native->DataArray = 0;
                native->Flags = (uint)triage.Flags;
                native->MaxVirtMemSize = triage.MaxVirtMemSize;
                native->BugCheckCode = triage.BugCheckCode;
                native->BugCheckParameter1 = (nuint)triage.BugCheckParameter1;
                native->BugCheckParameter2 = (nuint)triage.BugCheckParameter2;
                native->BugCheckParameter3 = (nuint)triage.BugCheckParameter3;
                native->BugCheckParameter4 = (nuint)triage.BugCheckParameter4;
                return ((nint)native, TriageDumpData.NativeSize);
            }
        }
    }

    /// <summary>
    /// The fields the two secondary-data structures share, at the same offsets: the system buffer, and OutBuffer pointing
    /// at it in a data call (NULL in the sizing pass).
    /// </summary>
    private void HandOverSecondary(SecondaryDumpData data)
    {
        var native = (KBUGCHECK_SECONDARY_DUMP_DATA*)_data;
        native->InBuffer = InBuffer(data.InBufferLength);
        native->InBufferLength = data.InBufferLength;
        native->MaximumAllowed = data.MaximumAllowed;
        native->OutBuffer = data.IsSizeQuery ? 0 : native->InBuffer;
    }

    /// <summary>Reads back what the routine set, checking every pointer before it is read.</summary>
    private void TakeBack(NativeDriver driver, ReasonCallbackData? data)
    {
        switch (data)
        {
            case SecondaryDumpDataEx multiPart:
            {
                TakeOutput(driver, multiPart);
                var native = (KBUGCHECK_SECONDARY_DUMP_DATA_EX*)_data;
                multiPart.Context = native->Context;
                multiPart.Flags = (SecondaryDataFlags)native->Flags;
                break;
            }

            case SecondaryDumpData secondary:
                TakeOutput(driver, secondary);
                break;

            case PageRangeData pages:
            {
                var native = (KBUGCHECK_ADD_PAGES*)_data;
                pages.Context = native->Context;
                pages.Flags = (PageRangeFlags)native->Flags;
                pages.Address = native->Address;
                pages.Count = native->Count;
                break;
            }

            case TriageDumpData triage:
            {
                var array = ((KBUGCHECK_TRIAGE_DUMP_DATA*)_data)->DataArray;
                if (array == 0)
                {
                    triage.DataArray = null;
                }
                else if (_triageArrays.TryGetValue(array, out var twin))
                {
                    triage.DataArray = twin;
                }
                else
                {
                    throw new InvalidPointerException(driver.Memory.Owns(array, TriageDumpDataArray.MinimumSize)
                        ? $"DataArray 0x{array:X} was never initialized with KeInitializeTriageDumpDataArray; the kernel did not read it."
                        : $"DataArray 0x{array:X} is not in memory {driver.Name} owns; the kernel did not read it.");
                }

                break;
            }
        }
    }

    /// <summary>The output of a secondary-data call (the shared fields); OutBuffer is shown to the checks as the memory it points into, up to that memory's end.</summary>
    private void TakeOutput(NativeDriver driver, SecondaryDumpData data)
    {
        var native = (KBUGCHECK_SECONDARY_DUMP_DATA*)_data;
        var (outBuffer, outBufferLength) = (native->OutBuffer, native->OutBufferLength);
        data.Guid = native->Guid;
        data.OutBufferLength = outBufferLength;
        if (data.IsSizeQuery)
        {
            return;
        }

        if (outBufferLength == 0 || outBuffer == 0)
        {
            data.OutBuffer = ReadOnlyMemory<byte>.Empty;
            return;
        }

        var inBuffer = (nint)_inBuffer;
        var available = outBuffer >= inBuffer && outBuffer < inBuffer + (nint)_inBufferLength
            ? inBuffer + (nint)_inBufferLength - outBuffer
            : driver.Memory.Available(outBuffer);
        if (available < 0)
        {
            throw new InvalidPointerException($"OutBuffer 0x{outBuffer:X} (OutBufferLength 0x{outBufferLength:X}) is not in memory {driver.Name} owns, nor in InBuffer; the kernel did not read it.");
        }

        data.OutBuffer = _outBuffer.Point(outBuffer, (int)Math.Min(available, int.MaxValue));
    }

    /// <summary>The system buffer, zeroed, of <paramref name="length"/> bytes (grown, never per call, when a larger one is asked for).</summary>
    private nint InBuffer(uint length)
    {
        if (length > _inBufferCapacity)
        {
            _inBuffer = (byte*)NativeMemory.Realloc(_inBuffer, length);
            _inBufferCapacity = length;
        }

        _inBufferLength = length;
        new Span<byte>(_inBuffer, (int)length).Clear();
        return (nint)_inBuffer;
    }

    private nint IoBuffer(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length > _ioBufferCapacity)
        {
            _ioBuffer = (byte*)NativeMemory.Realloc(_ioBuffer, (nuint)bytes.Length);
            _ioBufferCapacity = bytes.Length;
        }

        bytes.CopyTo(new Span<byte>(_ioBuffer, bytes.Length));
        return (nint)_ioBuffer;
    }
}
