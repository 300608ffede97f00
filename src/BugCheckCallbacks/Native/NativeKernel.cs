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
    private readonly SimulatedKernel _kernel;
    private readonly List<NativeDriver> _drivers = [];
    private readonly Dictionary<nint, NativeReasonRecord> _reasonRecords = [];
    private readonly Dictionary<nint, NativeClassicRecord> _classicRecords = [];
    private readonly NativeListHead _reasonList = new();
    private readonly NativeListHead _classicList = new();
    private readonly NativeCallMarshaller _marshaller;

    private NativeKernel(SimulatedKernel kernel)
    {
        _kernel = kernel;
        _marshaller = new NativeCallMarshaller(TriageArrays);
    }

    /// <summary>Gets the triage arrays the drivers initialized, with their managed twins.</summary>
    public NativeTriageArrays TriageArrays { get; } = new();

    /// <summary>Gets the native side of <paramref name="kernel"/>, created with its first driver.</summary>
    public static NativeKernel Of(SimulatedKernel kernel) => (NativeKernel)(kernel.Extension ??= new NativeKernel(kernel));

    /// <summary>Gets the drivers loaded into the kernel, in load order.</summary>
    public IReadOnlyList<NativeDriver> Drivers => _drivers;

    public void AddDriver(NativeDriver driver) => _drivers.Add(driver);

    public void RemoveDriver(NativeDriver driver) => _drivers.Remove(driver);

    /// <inheritdoc/>
    public void OnThreadStart() => CallingDriver.Touch();

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
        _reasonList.Link(&record->Entry, _kernel.Options.Order);
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
        NativeListHead.Unlink(&record->Entry);
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
        var entry = new NativeClassicRecord(driver, address, routine, buffer, length, component, twin);
        var memory = length > 0 ? new NativeMemoryView().Point(buffer, (int)length) : Memory<byte>.Empty;
        if (!_kernel.Callbacks.RegisterClassicHosted(twin, entry.Call, memory, name, ((ulong)routine, (ulong)buffer, (ulong)component)))
        {
            return false;
        }

        record->CallbackRoutine = routine;
        record->Buffer = buffer;
        record->Length = length;
        record->Component = component;
        record->Checksum = entry.Checksum;
        record->State = (byte)BufferDumpState.Inserted;
        _classicList.Link(&record->Entry, _kernel.Options.Order);
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
        NativeListHead.Unlink(&record->Entry);
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

        TriageArrays.ForgetOwnedBy(driver);
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
        var outer = CallingDriver.Enter(entry.Driver);
        try
        {
            ((KBUGCHECK_REASON_CALLBACK_RECORD*)entry.Address)->State = (byte)entry.Twin.State;
            var (structure, length) = _marshaller.HandOver(data);
            switch (entry.Driver.Glue->InvokeReasonRoutine(entry.Routine, (int)reason, entry.Address, structure, length))
            {
                case 0:
                    break;
                case BccDriverGlue.Faulted:
                    throw entry.Driver.TakeFault($"The {reason} routine");
                default:
                    throw entry.Driver.TakeBugCheck();
            }

            _marshaller.TakeBack(entry.Driver, data);
        }
        finally
        {
            CallingDriver.Leave(outer);
        }
    }

    public void CallClassic(NativeClassicRecord entry)
    {
        var outer = CallingDriver.Enter(entry.Driver);
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
            CallingDriver.Leave(outer);
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
        _reasonList.Dispose();
        _classicList.Dispose();
        _marshaller.Dispose();
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
}
