using BugCheckCallbacks.Interop;
using BugCheckCallbacks.Registration;

namespace BugCheckCallbacks.Native;

/// <summary>
/// The triage arrays drivers initialize in their own memory (<c>KTRIAGE_DUMP_DATA_ARRAY</c>), each with the managed
/// twin whose rules <c>KeInitializeTriageDumpDataArray</c> and <c>KeAddTriageDumpDataBlock</c> apply; what the twin
/// decides is written back into the driver's array.
/// </summary>
internal sealed unsafe class NativeTriageArrays
{
    private readonly Dictionary<nint, TriageDumpDataArray> _arrays = [];

    /// <summary><c>KeInitializeTriageDumpDataArray</c>: the managed rules, applied to the driver's array in its memory.</summary>
    public NtStatus Initialize(NativeDriver driver, nint address, uint size)
    {
        if (size < TriageDumpDataArray.MinimumSize || !driver.Memory.Owns(address, size))
        {
            return NtStatus.InvalidParameter2;
        }

        var twin = new TriageDumpDataArray(size);
        _arrays[address] = twin;
        var array = (KTRIAGE_DUMP_DATA_ARRAY*)address;
        array->List.Flink = array->List.Blink = (nint)(&array->List);
        array->ComponentNameBufferLength = 0;
        array->ComponentName = 0;
        WriteHeader(array, twin);
        return NtStatus.Success;
    }

    /// <summary><c>KeAddTriageDumpDataBlock</c>: the managed rules, then the block and counts written into the driver's array.</summary>
    public NtStatus AddBlock(nint address, nint block, nuint size)
    {
        if (!_arrays.TryGetValue(address, out var twin))
        {
            return NtStatus.InvalidDeviceState;
        }

        var status = twin.AddBlock((ulong)block, size);
        if (status == NtStatus.Success)
        {
            var array = (KTRIAGE_DUMP_DATA_ARRAY*)address;
            var blocks = (KADDRESS_RANGE*)&array->Blocks;
            blocks[twin.NumBlocksUsed - 1] = new KADDRESS_RANGE { Address = block, Size = size };
            WriteHeader(array, twin);
        }

        return status;
    }

    /// <summary>The twin of the array initialized at <paramref name="address"/>.</summary>
    public bool TryGet(nint address, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TriageDumpDataArray? twin) => _arrays.TryGetValue(address, out twin);

    /// <summary>Forgets the arrays in <paramref name="driver"/>'s memory: it is unloading.</summary>
    public void ForgetOwnedBy(NativeDriver driver)
    {
        foreach (var address in _arrays.Keys.Where(driver.Memory.Owns).ToArray())
        {
            _arrays.Remove(address);
        }
    }

    private static void WriteHeader(KTRIAGE_DUMP_DATA_ARRAY* array, TriageDumpDataArray twin)
    {
        array->NumBlocksUsed = twin.NumBlocksUsed;
        array->NumBlocksTotal = twin.NumBlocksTotal;
        array->DataSize = (uint)twin.DataSize;
        array->MaxDataSize = twin.MaxDataSize;
    }
}
