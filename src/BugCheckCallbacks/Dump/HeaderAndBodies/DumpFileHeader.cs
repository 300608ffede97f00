namespace BugCheckCallbacks.Dump;

/// <summary>
/// Represents the fields of the x64 kernel dump header, <c>DUMP_HEADER64</c> (mindumpdef.h): the 0x2000 bytes at the
/// start of every x64 kernel dump (docs/dump-format.md gives every offset).
/// </summary>
/// <remarks>The reader fills every property from the file; the simulated kernel fills them from its options.</remarks>
public sealed record DumpFileHeader
{
    /// <summary>Gets the major version: 0xF for a free build, 0xC for a checked build (<c>MajorVersion</c>).</summary>
    /// <value>0xF.</value>
    public uint MajorVersion { get; init; } = 0xF;

    /// <summary>Gets the minor version, which is the Windows build number (<c>MinorVersion</c>).</summary>
    public uint MinorVersion { get; init; }

    /// <summary>Gets the physical address of the system process's PML4, the root of the page tables (<c>DirectoryTableBase</c>).</summary>
    public ulong DirectoryTableBase { get; init; }

    /// <summary>Gets the virtual address of the PFN database (<c>PfnDataBase</c>); 0 in simulated dumps.</summary>
    public ulong PfnDataBase { get; init; }

    /// <summary>Gets the virtual address of the loaded-module list (<c>PsLoadedModuleList</c>); 0 in simulated dumps.</summary>
    public ulong PsLoadedModuleList { get; init; }

    /// <summary>Gets the virtual address of the active-process list (<c>PsActiveProcessHead</c>); 0 in simulated dumps.</summary>
    public ulong PsActiveProcessHead { get; init; }

    /// <summary>Gets the machine type (<c>MachineImageType</c>).</summary>
    /// <value>0x8664 (<c>IMAGE_FILE_MACHINE_AMD64</c>).</value>
    public uint MachineImageType { get; init; } = 0x8664;

    /// <summary>Gets the number of processors (<c>NumberProcessors</c>).</summary>
    public uint NumberProcessors { get; init; }

    /// <summary>Gets the stop code (<c>BugCheckCode</c>).</summary>
    public uint BugCheckCode { get => BugCheck.Code; init => BugCheck = BugCheck with { Code = value }; }

    /// <summary>Gets the first bug-check parameter (<c>BugCheckParameter1</c>).</summary>
    public ulong BugCheckParameter1 { get => BugCheck.Parameter1; init => BugCheck = BugCheck with { Parameter1 = value }; }

    /// <summary>Gets the second bug-check parameter (<c>BugCheckParameter2</c>).</summary>
    public ulong BugCheckParameter2 { get => BugCheck.Parameter2; init => BugCheck = BugCheck with { Parameter2 = value }; }

    /// <summary>Gets the third bug-check parameter (<c>BugCheckParameter3</c>).</summary>
    public ulong BugCheckParameter3 { get => BugCheck.Parameter3; init => BugCheck = BugCheck with { Parameter3 = value }; }

    /// <summary>Gets the fourth bug-check parameter (<c>BugCheckParameter4</c>).</summary>
    public ulong BugCheckParameter4 { get => BugCheck.Parameter4; init => BugCheck = BugCheck with { Parameter4 = value }; }

    /// <summary>Gets the stop code and its four parameters as one value: the five fields above.</summary>
    public BugCheckParameters BugCheck { get; init; }

    /// <summary>Gets the virtual address of the kernel debugger data block (<c>KdDebuggerDataBlock</c>); 0 in simulated dumps.</summary>
    public ulong KdDebuggerDataBlock { get; init; }

    /// <summary>Gets the machine's physical memory runs, ascending (<c>PhysicalMemoryBlock.Run</c>).</summary>
    public IReadOnlyList<PhysicalMemoryRun> PhysicalMemoryRuns { get; init; } = [];

    /// <summary>Gets the number of physical pages the runs hold (<c>PhysicalMemoryBlock.NumberOfPages</c>).</summary>
    public ulong NumberOfPages { get; init; }

    /// <summary>Gets the dump type as stored in the file (<c>DumpType</c>): 1 run-based full, 5 bitmap, 6 live kernel bitmap.</summary>
    /// <remarks>This is the on-disk value readers key on, not always the <see cref="BugCheckCallbacks.DumpType"/> a callback is told.</remarks>
    public uint DumpType { get; init; }

    /// <summary>Gets the size the writer needed: header, body and secondary data (<c>RequiredDumpSpace</c>).</summary>
    public long RequiredDumpSpace { get; init; }

    /// <summary>Gets the time of the crash as a FILETIME, 100 ns units since 1601 UTC (<c>SystemTime</c>).</summary>
    public long SystemTime { get; init; }

    /// <summary>Gets the comment, ASCII, at most 127 characters (<c>Comment</c>).</summary>
    public string Comment { get; init; } = string.Empty;

    /// <summary>Gets the time since boot in 100 ns units (<c>SystemUpTime</c>).</summary>
    public long SystemUpTime { get; init; }

    /// <summary>Gets the minidump fields (<c>MiniDumpFields</c>).</summary>
    public uint MiniDumpFields { get; init; }

    /// <summary>Gets the status of the secondary-data phase (<c>SecondaryDataState</c>); no public source gives its values.</summary>
    public uint SecondaryDataState { get; init; }

    /// <summary>Gets the product type (<c>ProductType</c>, winnt.h <c>VER_NT_*</c>).</summary>
    public uint ProductType { get; init; }

    /// <summary>Gets the suite mask (<c>SuiteMask</c>, winnt.h <c>VER_SUITE_*</c>).</summary>
    public uint SuiteMask { get; init; }

    /// <summary>Gets the writer status (<c>WriterStatus</c>).</summary>
    public uint WriterStatus { get; init; }

    /// <summary>Gets the crashing processor's registers (<c>ContextRecord</c>, an x64 <c>CONTEXT</c>).</summary>
    /// <value>Zero registers, kernel segments, interrupts enabled.</value>
    public ProcessorContext Context { get; init; } = new();

    /// <summary>Gets the registers of an ARM64 dump's <c>ContextRecord</c> (<see cref="MachineImageType"/> 0xAA64), or <see langword="null"/> for an x64 dump.</summary>
    /// <remarks>For an ARM64 dump, <see cref="Context"/> holds zeros: the record is not an x64 <c>CONTEXT</c>.</remarks>
    public Arm64Context? Arm64Context { get; init; }

    /// <summary>
    /// Gets the header fields that held only the "PAGE" filler Windows writes where it has no value (a small memory dump's
    /// <c>NumberOfRuns</c>, <c>Comment</c>, <c>SecondaryDataState</c>, …): each reads 0 (or empty) here, meaning "not there".
    /// </summary>
    public IReadOnlyList<string> AbsentFields { get; init; } = [];

    /// <summary>Gets the crashing processor's general registers with their names, from whichever context the dump's machine has (x64 or ARM64).</summary>
    /// <returns>Name and value pairs, in the debugger's order.</returns>
    public IReadOnlyList<KeyValuePair<string, ulong>> GeneralRegisters() => Arm64Context?.GeneralRegisters() ?? Context.GeneralRegisters();

    /// <summary>Gets the exception the header records (<c>Exception</c>, an <c>EXCEPTION_RECORD64</c>).</summary>
    /// <value>An empty record (code 0).</value>
    public ExceptionRecord64 Exception { get; init; } = new();

    /// <summary>Gets the crash time as a <see cref="DateTimeOffset"/> in UTC, or <see langword="null"/> when <see cref="SystemTime"/> is not a valid FILETIME.</summary>
    /// <remarks>Read as UTC, whatever the local time zone: a FILETIME near the end of time is still a time, not an exception.</remarks>
    public DateTimeOffset? SystemTimeUtc =>
        SystemTime >= 0 && SystemTime <= DateTime.MaxValue.ToFileTimeUtc() ? new DateTimeOffset(DateTime.FromFileTimeUtc(SystemTime), TimeSpan.Zero) : null;
}
