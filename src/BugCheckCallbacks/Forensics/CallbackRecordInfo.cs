namespace BugCheckCallbacks.Forensics;

/// <summary>
/// Represents one bug-check callback record read from a dump (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c> or, on the classic
/// list, <c>KBUGCHECK_CALLBACK_RECORD</c>), with the walker's verdicts.
/// </summary>
public sealed record CallbackRecordInfo
{
    /// <summary>Gets the record's address.</summary>
    public ulong Address { get; init; }

    /// <summary>Gets the list it was found on, or null for a carved record on no list.</summary>
    public CallbackListKind? List { get; init; }

    /// <summary>Gets whether it is a classic record (<c>KBUGCHECK_CALLBACK_RECORD</c>).</summary>
    public bool IsClassic { get; init; }

    /// <summary>Gets the raw <c>Reason</c> (<c>KBUGCHECK_CALLBACK_REASON</c>); 0 for a classic record.</summary>
    public int Reason { get; init; }

    /// <summary>Gets the reason's wdm.h name (<c>KbCallbackSecondaryDumpData</c>), <c>Classic</c>, or the number when undefined.</summary>
    public string ReasonName { get; init; } = string.Empty;

    /// <summary>Gets <c>CallbackRoutine</c>.</summary>
    public ulong Routine { get; init; }

    /// <summary>Gets the module the routine is in, or null when no loaded module holds it.</summary>
    public LoadedModule? RoutineModule { get; init; }

    /// <summary>Gets the routine as the debugger shows it: <c>module+0xOFFSET</c>, or the bare address when unbacked.</summary>
    public string RoutineSymbol => RoutineModule is { } m ? $"{m.Name}+0x{Routine - m.Base:X}" : $"0x{Routine:X16}";

    /// <summary>Gets the <c>Component</c> pointer.</summary>
    public ulong ComponentAddress { get; init; }

    /// <summary>Gets the component string (ASCII up to its NUL, at most 256 bytes), or null when unreadable.</summary>
    public string? Component { get; init; }

    /// <summary>Gets the classic record's <c>Buffer</c>; 0 for a reason record.</summary>
    public ulong Buffer { get; init; }

    /// <summary>Gets the classic record's <c>Length</c>; 0 for a reason record.</summary>
    public uint Length { get; init; }

    /// <summary>Gets the raw <c>State</c> (<c>KBUGCHECK_BUFFER_DUMP_STATE</c>).</summary>
    public byte State { get; init; }

    /// <summary>Gets the state's name (<c>BufferFinished</c>), or the number when undefined.</summary>
    public string StateName => Enum.IsDefined((BufferDumpState)State) ? "Buffer" + (BufferDumpState)State : State.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Gets the <c>Checksum</c> the record holds.</summary>
    public ulong Checksum { get; init; }

    /// <summary>Gets whether the checksum is what the kernel computes from the record's fields.</summary>
    public bool ChecksumValid { get; init; }

    /// <summary>Gets what is wrong with this record.</summary>
    public IReadOnlyList<IntegrityFinding> Findings { get; init; } = [];
}
