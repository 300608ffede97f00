using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Simulation;

/// <summary>Configures a <see cref="SimulatedKernel"/>: the dump it writes, its limits, and the verifier's budgets.</summary>
/// <remarks>
/// An immutable record: vary one option with <c>options with { DumpType = DumpType.Full }</c>. Every rule is checked at
/// once by <see cref="Validate"/>, which the kernel's constructor calls, so a <c>with</c> copy is checked as a whole too.
/// </remarks>
public sealed record SimulationOptions
{
    /// <summary>Gets the kind of dump the bug check writes.</summary>
    /// <value><see cref="DumpType.Automatic"/>, the Windows default (a kernel dump).</value>
    public DumpType DumpType { get; init; } = DumpType.Automatic;

    /// <summary>Gets the order of the callbacks within a reason.</summary>
    /// <value><see cref="CallbackOrder.NewestFirst"/>, as Windows does.</value>
    public CallbackOrder Order { get; init; } = CallbackOrder.NewestFirst;

    /// <summary>
    /// Gets the most space the secondary-data region may take. The region is sized before the header is written, as
    /// Windows does: each SecondaryDumpData sizing answer is reserved from this budget (its <c>MaximumAllowed</c> is what
    /// remains, less a blob header), then <see cref="MultiPartReservation"/>.
    /// </summary>
    /// <value>4 MiB (0x400000).</value>
    public uint SecondaryDataBudget { get; init; } = 0x400000;

    /// <summary>
    /// Gets the bytes set aside, before the header is written, for <c>KbCallbackSecondaryMultiPartDumpData</c> callbacks
    /// when any is registered: that protocol has no sizing pass, so the kernel must reserve space for parts it cannot know
    /// yet. Their <c>MaximumAllowed</c> is what is left of the region; the unused rest is zero-filled. At most what
    /// <see cref="SecondaryDataBudget"/> has left after the sizing pass is reserved.
    /// </summary>
    /// <value>1 MiB (0x100000).</value>
    public uint MultiPartReservation { get; init; } = 0x100000;

    /// <summary>
    /// Gets a value indicating whether the SecondaryDumpData data pass offers each callback what is left of the whole
    /// budget instead of what its sizing answer reserved: a situation the kernel never makes, which the contract checker
    /// uses so that a routine whose size answer is 0 still has its data pass checked (MissingGuid, DuplicateGuid).
    /// </summary>
    internal bool IgnoreSizingAnswers { get; init; }

    /// <summary>Gets the size of the system buffer passed as <c>InBuffer</c>.</summary>
    /// <value>4096.</value>
    public int InBufferSize { get; init; } = 4096;

    /// <summary>Gets the <c>MaxVirtMemSize</c> each triage callback receives.</summary>
    /// <value>1 MiB (0x100000).</value>
    public uint TriageMaxVirtMemSize { get; init; } = 0x100000;

    /// <summary>Gets the Windows build number the dump header records (<c>MinorVersion</c>) and the DumpBlob header repeats.</summary>
    /// <value>26100 (Windows 11 24H2).</value>
    public uint BuildNumber { get; init; } = 26100;

    /// <summary>Gets the number of processors the dump header records.</summary>
    /// <value>4.</value>
    public uint NumberOfProcessors { get; init; } = 4;

    /// <summary>Gets the time of the crash the dump header records; a fixed default keeps dumps byte-for-byte reproducible.</summary>
    /// <value>2026-01-01T00:00:00Z.</value>
    public DateTimeOffset SystemTime { get; init; } = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Gets the simulated machine's memory: physical runs, mapped virtual regions and their contents.</summary>
    /// <value><see cref="SimulatedMemoryMap.Default"/>.</value>
    public SimulatedMemoryMap MemoryMap { get; init; } = SimulatedMemoryMap.Default;

    /// <summary>
    /// Gets the records whose copy in the dump's memory is corrupted on purpose: fixtures for callback-list walkers and
    /// anti-rootkit tools (docs/forensics.md). Only the dump's bytes change; the simulated kernel calls every record as
    /// registered.
    /// </summary>
    /// <value>Empty: every record is in the dump as the kernel left it.</value>
    public IReadOnlyList<RecordTampering> Tampering { get; init; } = [];

    /// <summary>Gets what loaded native drivers add to the kernel's memory (set per run by the native side).</summary>
    internal HostedMemory? Hosted { get; init; }

    /// <summary>Gets the most calls one callback gets in a repeat protocol (AddPages, RemovePages, multi-part) before it is cut off.</summary>
    /// <value>1024.</value>
    public int RepeatCallBudget { get; init; } = 1024;

    /// <summary>Gets the longest one call may take before the verifier reports it.</summary>
    /// <value>250 milliseconds.</value>
    public TimeSpan CallTimeBudget { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Gets how long one call may run before the bug check gives up on it (<see cref="ViolationKind.CallbackHung"/>).</summary>
    /// <value>30 seconds.</value>
    /// <remarks>
    /// The bug check runs on a thread of its own; past the timeout <see cref="SimulatedKernel.KeBugCheckEx"/> returns what
    /// happened so far with the violation, and the kernel is unusable. The thread is abandoned, not aborted (.NET cannot
    /// abort a thread): a routine that never returns keeps it, and what it holds, for the life of the process. Measured on
    /// <see cref="TimeProvider"/>, so a test can advance the clock past it. <see cref="Timeout.InfiniteTimeSpan"/> waits forever.
    /// </remarks>
    public TimeSpan HangTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets which calls the outcome's invocation log keeps.</summary>
    /// <value><see cref="InvocationLog.Bounded"/>: a bug check with 100,000 callbacks does not keep a log object for every call.</value>
    public InvocationLog Log { get; init; } = InvocationLog.Bounded;

    /// <summary>Gets the most calls a <see cref="InvocationLog.Bounded"/> log keeps; later calls are only counted (<see cref="BugCheckOutcome.TotalCalls"/>).</summary>
    /// <value>10,000.</value>
    public int MaxLoggedCalls { get; init; } = 10_000;

    /// <summary>Gets the clock the verifier times each call with (<see cref="CallTimeBudget"/>).</summary>
    /// <value><see cref="TimeProvider.System"/>.</value>
    /// <remarks>A test can pass a clock it advances itself, so that a budget test needs no sleep.</remarks>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Gets a value indicating whether DumpIo offsets are −1 (sequential writes) instead of stream offsets.</summary>
    /// <value><see langword="false"/>.</value>
    public bool SequentialDumpIo { get; init; }

    /// <summary>Gets a value indicating whether the verifier measures each call's managed allocations.</summary>
    /// <value><see langword="true"/>.</value>
    /// <remarks>
    /// While it is on, the bug check runs in a no-GC region (16 MiB for the whole process), so that other threads' garbage
    /// collections cannot skew the per-thread measurement.
    /// </remarks>
    public bool DetectAllocations { get; init; } = true;

    /// <summary>Checks every rule and throws one exception that lists all the broken ones.</summary>
    /// <exception cref="ArgumentException">One or more options are out of range; the message lists each.</exception>
    public void Validate()
    {
        var errors = new List<string>();
        AddMachineErrors(errors);
        AddTamperingErrors(errors);
        AddRunErrors(errors);

        if (errors.Count > 0)
        {
            throw new ArgumentException("Invalid SimulationOptions: " + string.Join(" ", errors), "options");
        }
    }

    /// <summary>The machine: its dump type, list order, processors, clock, buffers and memory map.</summary>
    private void AddMachineErrors(List<string> errors)
    {
        if (!DumpTypes.IsWritten(DumpType))
        {
            errors.Add($"DumpType {(int)DumpType} is not a dump type the kernel writes (1..7).");
        }

        if (Order is not (CallbackOrder.NewestFirst or CallbackOrder.OldestFirst))
        {
            errors.Add($"Order {(int)Order} is not a defined CallbackOrder.");
        }

        if (NumberOfProcessors is 0 or > 2048)
        {
            errors.Add($"NumberOfProcessors {NumberOfProcessors} must be from 1 to 2048.");
        }

        if (SystemTime < DateTimeOffset.FromFileTime(0))
        {
            errors.Add($"SystemTime {SystemTime:O} must not be before 1601-01-01 (a FILETIME).");
        }

        if (InBufferSize is < 0 or > 1 << 20)
        {
            errors.Add($"InBufferSize {InBufferSize} must be from 0 to 1048576.");
        }

        if (TriageMaxVirtMemSize > TriageDumpDataArray.MaxMemorySize)
        {
            errors.Add($"TriageMaxVirtMemSize 0x{TriageMaxVirtMemSize:X} must not exceed KE_MAX_TRIAGE_DUMP_DATA_MEMORY_SIZE 0x{TriageDumpDataArray.MaxMemorySize:X}.");
        }

        if (MemoryMap is null)
        {
            errors.Add("MemoryMap must not be null.");
        }
    }

    /// <summary>Each tampering names one record and a defined kind.</summary>
    private void AddTamperingErrors(List<string> errors)
    {
        if (Tampering is null)
        {
            errors.Add("Tampering must not be null.");
        }
        else
        {
            for (var i = 0; i < Tampering.Count; i++)
            {
                if (Tampering[i] is not { } tampering)
                {
                    errors.Add($"Tampering[{i}] must not be null.");
                }
                else if (!Enum.IsDefined(tampering.Kind) || (tampering.Record is null) == (tampering.ClassicRecord is null))
                {
                    errors.Add($"Tampering[{i}] must name one record and a defined RecordTamperingKind (it has {(int)tampering.Kind}).");
                }
            }
        }
    }

    /// <summary>The run: its repeat budget, its log, its hang timeout, its clock and its time budget.</summary>
    private void AddRunErrors(List<string> errors)
    {
        if (RepeatCallBudget < 1)
        {
            errors.Add($"RepeatCallBudget {RepeatCallBudget} must be at least 1.");
        }

        if (Log is not (InvocationLog.Bounded or InvocationLog.All or InvocationLog.None))
        {
            errors.Add($"Log {(int)Log} is not a defined InvocationLog.");
        }

        if (MaxLoggedCalls < 0)
        {
            errors.Add($"MaxLoggedCalls {MaxLoggedCalls} must not be negative.");
        }

        if (HangTimeout <= TimeSpan.Zero && HangTimeout != Timeout.InfiniteTimeSpan)
        {
            errors.Add($"HangTimeout {HangTimeout} must be positive, or Timeout.InfiniteTimeSpan.");
        }

        if (TimeProvider is null)
        {
            errors.Add("TimeProvider must not be null.");
        }

        if (CallTimeBudget <= TimeSpan.Zero)
        {
            errors.Add($"CallTimeBudget {CallTimeBudget} must be positive.");
        }
    }
}
