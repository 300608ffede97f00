using System.Diagnostics;

namespace BugCheckCallbacks;

/// <summary>
/// Represents an array of memory blocks to carve into a triage dump; the managed twin of
/// <c>KTRIAGE_DUMP_DATA_ARRAY</c> with <c>KeInitializeTriageDumpDataArray</c> and <c>KeAddTriageDumpDataBlock</c> (wdm.h).
/// </summary>
/// <remarks>
/// Create it before the crash (the constructor is the allocation of <c>sizeInBytes</c> of non-paged memory);
/// <see cref="Initialize"/> and <see cref="AddBlock"/> allocate nothing and may run inside a callback. The block
/// capacity follows from the size the way the native layout does: (size − 0x30) / 0x10.
/// </remarks>
[DebuggerDisplay("{NumBlocksUsed}/{NumBlocksTotal} blocks, {DataSize} bytes")]
public sealed class TriageDumpDataArray
{
    /// <summary>The offset of <c>Blocks</c> in <c>KTRIAGE_DUMP_DATA_ARRAY</c> on x64.</summary>
    public const uint HeaderSize = 0x30;

    /// <summary>The size of one <c>KADDRESS_RANGE</c> on x64.</summary>
    public const uint BlockSize = 0x10;

    /// <summary>The smallest array: the header and one block.</summary>
    public const uint MinimumSize = HeaderSize + BlockSize;

    /// <summary>The most memory a triage data array may describe (<c>KE_MAX_TRIAGE_DUMP_DATA_MEMORY_SIZE</c>, 0x02000000).</summary>
    public const uint MaxMemorySize = 0x02000000;

    private readonly AddressRange[] _storage;
    private uint _maxDataSize = MaxMemorySize;

    /// <summary>Allocates an array of <paramref name="sizeInBytes"/> bytes and initializes it.</summary>
    /// <param name="sizeInBytes">The size of the native array in bytes, header included.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="sizeInBytes"/> is less than <see cref="MinimumSize"/>.</exception>
    public TriageDumpDataArray(uint sizeInBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sizeInBytes, MinimumSize);
        _storage = new AddressRange[CapacityFor(sizeInBytes)];
        AllocatedSize = sizeInBytes;
        Initialize(sizeInBytes);
    }

    /// <summary>Gets the number of bytes allocated for the array.</summary>
    public uint AllocatedSize { get; }

    /// <summary>Gets a value indicating whether <see cref="Initialize"/> has succeeded.</summary>
    public bool IsInitialized { get; private set; }

    /// <summary>Gets the number of blocks added (<c>NumBlocksUsed</c>).</summary>
    public uint NumBlocksUsed { get; private set; }

    /// <summary>Gets the number of blocks the array can hold (<c>NumBlocksTotal</c>).</summary>
    public uint NumBlocksTotal { get; private set; }

    /// <summary>Gets the total size in bytes of the blocks added (<c>DataSize</c>).</summary>
    public ulong DataSize { get; private set; }

    /// <summary>Gets or sets the most bytes the blocks may describe (<c>MaxDataSize</c>).</summary>
    /// <value><see cref="MaxMemorySize"/> after <see cref="Initialize"/>.</value>
    /// <exception cref="ArgumentOutOfRangeException">The value is greater than <see cref="MaxMemorySize"/>.</exception>
    public uint MaxDataSize
    {
        get => _maxDataSize;
        set
        {
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxMemorySize);
            _maxDataSize = value;
        }
    }

    /// <summary>Gets or sets the name of the component that owns the blocks (<c>ComponentName</c>).</summary>
    public string? ComponentName { get; set; }

    /// <summary>Gets the number of <see cref="AddBlock"/> calls that failed since the last <see cref="Initialize"/>; the verifier reads it.</summary>
    internal int FailedAdds { get; private set; }

    /// <summary>Gets the blocks added so far (<c>Blocks[0..NumBlocksUsed]</c>).</summary>
    public ReadOnlySpan<AddressRange> Blocks => _storage.AsSpan(0, (int)NumBlocksUsed);

    /// <summary>Initializes the array over its first <paramref name="sizeInBytes"/> bytes (<c>KeInitializeTriageDumpDataArray</c>).</summary>
    /// <param name="sizeInBytes">The size in bytes to use, at least <see cref="MinimumSize"/> and at most <see cref="AllocatedSize"/>.</param>
    /// <returns><see cref="NtStatus.Success"/>, or <see cref="NtStatus.InvalidParameter2"/> when the size is out of range (the array is then unchanged).</returns>
    public NtStatus Initialize(uint sizeInBytes)
    {
        if (sizeInBytes < MinimumSize || sizeInBytes > AllocatedSize)
        {
            return NtStatus.InvalidParameter2;
        }

        NumBlocksTotal = CapacityFor(sizeInBytes);
        NumBlocksUsed = 0;
        DataSize = 0;
        FailedAdds = 0;
        _maxDataSize = MaxMemorySize;
        IsInitialized = true;
        return NtStatus.Success;
    }

    /// <summary>Adds a block (<c>KeAddTriageDumpDataBlock</c>).</summary>
    /// <param name="address">The start address of the block.</param>
    /// <param name="size">The size of the block in bytes.</param>
    /// <returns>
    /// <see cref="NtStatus.Success"/>; <see cref="NtStatus.InvalidDeviceState"/> before <see cref="Initialize"/>;
    /// <see cref="NtStatus.InvalidParameter3"/> for a zero size or a block that wraps the address space;
    /// <see cref="NtStatus.InsufficientResources"/> when every slot is used; <see cref="NtStatus.QuotaExceeded"/> when
    /// <see cref="DataSize"/> would pass <see cref="MaxDataSize"/>. On failure the array is unchanged.
    /// </returns>
    public NtStatus AddBlock(ulong address, ulong size)
    {
        var status = TryAdd(address, size);
        if (status != NtStatus.Success)
        {
            FailedAdds++;
        }

        return status;
    }

    private NtStatus TryAdd(ulong address, ulong size)
    {
        if (!IsInitialized)
        {
            return NtStatus.InvalidDeviceState;
        }

        if (size == 0 || size - 1 > ulong.MaxValue - address)
        {
            return NtStatus.InvalidParameter3;
        }

        if (NumBlocksUsed == NumBlocksTotal)
        {
            return NtStatus.InsufficientResources;
        }

        if (DataSize > _maxDataSize || size > _maxDataSize - DataSize)
        {
            return NtStatus.QuotaExceeded;
        }

        _storage[NumBlocksUsed++] = new AddressRange(address, size);
        DataSize += size;
        return NtStatus.Success;
    }

    private static uint CapacityFor(uint sizeInBytes) => (sizeInBytes - HeaderSize) / BlockSize;
}
