namespace BugCheckCallbacks.Simulation;

/// <summary>Specifies a contract violation the verifier detects; each has a stable code (see <see cref="VerifierRules"/>).</summary>
public enum ViolationKind
{
    /// <summary>BCV0001: the callback raised an exception; its record became Incomplete.</summary>
    CallbackThrew = 1,

    /// <summary>BCV0002: one call took longer than the time budget.</summary>
    TimeBudgetExceeded = 2,

    /// <summary>BCV0003: the callback allocated managed memory (HIGH_LEVEL forbids allocation).</summary>
    AllocatedMemory = 3,

    /// <summary>BCV0004: OutBufferLength exceeded MaximumAllowed; the data was dropped.</summary>
    OutputExceedsMaximumAllowed = 4,

    /// <summary>BCV0005: OutBufferLength exceeded the memory OutBuffer points at; the data was dropped.</summary>
    OutputLengthExceedsBuffer = 5,

    /// <summary>BCV0006: the data pass returned data without a GUID; the data was dropped.</summary>
    MissingGuid = 6,

    /// <summary>BCV0007: the GUID is already used by another callback's blob; this blob cannot be read back by tag.</summary>
    DuplicateGuid = 7,

    /// <summary>BCV0008: Flags named neither or both of VIRTUAL and PHYSICAL; the range was ignored.</summary>
    InvalidAddressFlags = 8,

    /// <summary>BCV0009: Count was zero; the range was ignored.</summary>
    ZeroPageCount = 9,

    /// <summary>BCV0010: the range is not in the simulated memory map; it was ignored.</summary>
    RangeOutsideMemoryMap = 10,

    /// <summary>BCV0011: a repeat protocol asked to be called again past the call budget; it was cut off.</summary>
    RepeatProtocolNeverEnds = 11,

    /// <summary>BCV0012: triage blocks exceed MaxVirtMemSize; the blocks past it were dropped.</summary>
    TriageBlocksExceedMaxVirtMemSize = 12,

    /// <summary>BCV0013: KeAddTriageDumpDataBlock failed during the call (array full or data-size limit) and blocks were lost.</summary>
    TriageArrayOverflow = 13,

    /// <summary>BCV0014: a multi-part callback asked to be called again without producing data; it was cut off.</summary>
    MultiPartNoProgress = 14,

    /// <summary>BCV0015: the callback bug-checked; the nested stop code is the one shown and no second dump is written.</summary>
    NestedBugCheck = 15,

    /// <summary>BCV0016: the callback did not return within the hang timeout; the bug check was abandoned and the kernel is unusable.</summary>
    CallbackHung = 16,

    /// <summary>BCV0017: a native routine handed back a pointer (OutBuffer, a triage array) outside the memory its driver owns; the kernel did not read it.</summary>
    InvalidPointer = 17,

    /// <summary>
    /// BCV0018: a SecondaryDumpData routine writes data when offered room but answered every size query with 0, so the kernel
    /// reserves nothing for it and its data is never written; found by the contract checker over its situations, never in
    /// one bug check (answering 0 once is a routine with nothing to say).
    /// </summary>
    DataNeverSized = 18,
}
