namespace BugCheckCallbacks.Simulation;

/// <summary>Provides the stable code and one-line explanation of every <see cref="ViolationKind"/>.</summary>
public static class VerifierRules
{
    /// <summary>Gets every violation kind, in code order.</summary>
    public static IReadOnlyList<ViolationKind> All { get; } = Enum.GetValues<ViolationKind>();

    /// <summary>Gets the stable code of <paramref name="kind"/>, such as <c>BCV0004</c>.</summary>
    /// <param name="kind">A defined kind.</param>
    /// <returns>The code.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    public static string GetCode(ViolationKind kind)
    {
        _ = GetDescription(kind);
        return $"BCV{(int)kind:D4}";
    }

    /// <summary>Gets the one-line explanation of <paramref name="kind"/>.</summary>
    /// <param name="kind">A defined kind.</param>
    /// <returns>The explanation.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="kind"/> is not defined.</exception>
    public static string GetDescription(ViolationKind kind) => kind switch
    {
        ViolationKind.CallbackThrew => "The callback raised an exception; the kernel contained it and marked the record Incomplete.",
        ViolationKind.TimeBudgetExceeded => "One call took longer than the per-call time budget; a real bug check would stall.",
        ViolationKind.AllocatedMemory => "The callback allocated managed memory; at HIGH_LEVEL a callback must not allocate.",
        ViolationKind.OutputExceedsMaximumAllowed => "OutBufferLength exceeded MaximumAllowed (in the data pass: what the call's sizing answer reserved); the kernel dropped the data.",
        ViolationKind.OutputLengthExceedsBuffer => "OutBufferLength exceeded the memory OutBuffer points at; the kernel dropped the data.",
        ViolationKind.MissingGuid => "The callback returned data without setting Guid; untagged data was dropped.",
        ViolationKind.DuplicateGuid => "The Guid is already used by another callback's blob; only the first blob with a tag can be read back.",
        ViolationKind.InvalidAddressFlags => "Flags must name exactly one of VIRTUAL_ADDRESS and PHYSICAL_ADDRESS; the range was ignored.",
        ViolationKind.ZeroPageCount => "Count was zero pages; the range was ignored.",
        ViolationKind.RangeOutsideMemoryMap => "The range is not in the simulated memory map; it was ignored.",
        ViolationKind.RepeatProtocolNeverEnds => "The callback kept asking to be called again past the call budget; it was cut off.",
        ViolationKind.TriageBlocksExceedMaxVirtMemSize => "The triage blocks add up to more than MaxVirtMemSize; the blocks past it were dropped.",
        ViolationKind.TriageArrayOverflow => "KeAddTriageDumpDataBlock failed during the call (array full or size limit); blocks were lost.",
        ViolationKind.MultiPartNoProgress => "ADDITIONAL_DATA was set on a call that produced no data; the kernel stopped calling.",
        ViolationKind.NestedBugCheck => "The callback bug-checked; the nested stop code is shown and no second dump is written.",
        ViolationKind.CallbackHung => "The callback did not return within the hang timeout; the bug check was abandoned there and the kernel is unusable.",
        ViolationKind.InvalidPointer => "A native routine handed back a pointer outside the memory its driver owns; the kernel did not read it and the record is Incomplete.",
        ViolationKind.DataNeverSized => "The routine writes data when offered room but answered every size query with 0: the kernel reserves nothing for it, so its data is never written (the contract checker's finding).",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, $"{(int)kind} is not a defined ViolationKind."),
    };
}
