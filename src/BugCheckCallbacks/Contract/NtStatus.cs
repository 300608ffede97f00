namespace BugCheckCallbacks;

/// <summary>
/// The NTSTATUS values that the triage data-array operations return (<c>KeInitializeTriageDumpDataArray</c>,
/// <c>KeAddTriageDumpDataBlock</c>), with their real numeric values.
/// </summary>
/// <remarks>
/// Windows documents only STATUS_SUCCESS for these routines; which failure code stands for which failure is this
/// library's choice, listed in docs/contract.md.
/// </remarks>
public enum NtStatus
{
    /// <summary>The operation succeeded (<c>STATUS_SUCCESS</c>, 0x00000000).</summary>
    Success = 0,

    /// <summary>A block would exceed the array's data-size limit (<c>STATUS_QUOTA_EXCEEDED</c>, 0xC0000044).</summary>
    QuotaExceeded = unchecked((int)0xC0000044),

    /// <summary>Every block slot of the array is used (<c>STATUS_INSUFFICIENT_RESOURCES</c>, 0xC000009A).</summary>
    InsufficientResources = unchecked((int)0xC000009A),

    /// <summary>The size given to initialize the array is too small or larger than its storage (<c>STATUS_INVALID_PARAMETER_2</c>, 0xC00000F0).</summary>
    InvalidParameter2 = unchecked((int)0xC00000F0),

    /// <summary>The block size is zero or the block wraps the address space (<c>STATUS_INVALID_PARAMETER_3</c>, 0xC00000F1).</summary>
    InvalidParameter3 = unchecked((int)0xC00000F1),

    /// <summary>The array was never initialized (<c>STATUS_INVALID_DEVICE_STATE</c>, 0xC0000184).</summary>
    InvalidDeviceState = unchecked((int)0xC0000184),
}
