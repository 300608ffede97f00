using System.Runtime.InteropServices;
using BugCheckCallbacks.Interop;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Native;

/// <summary>
/// The structures a native reason routine is handed, in native memory allocated once: the managed structure written
/// into its native layout before the call (<c>ReasonSpecificData</c>, the system buffer, a DumpIo write's bytes), and
/// what the routine set read back after it, every pointer checked before it is read.
/// </summary>
internal sealed unsafe class NativeCallMarshaller : IDisposable
{
    private const int DataSize = 0x68; // the largest structure a routine is handed: KBUGCHECK_SECONDARY_DUMP_DATA_EX

    private readonly NativeTriageArrays _triageArrays;
    private readonly NativeMemoryView _outBuffer = new();
    private readonly byte* _data;
    private byte* _inBuffer;
    private uint _inBufferCapacity;
    private uint _inBufferLength;
    private byte* _ioBuffer;
    private int _ioBufferCapacity;

    public NativeCallMarshaller(NativeTriageArrays triageArrays)
    {
        _triageArrays = triageArrays;
        _data = (byte*)NativeMemory.AllocZeroed(DataSize);

        // Never NULL, even for an InBufferLength of 0: the data pass hands OutBuffer == InBuffer, and a routine tells the
        // sizing pass from the data pass by OutBuffer == NULL.
        _inBufferCapacity = SecondaryDumpData.DefaultInBufferLength;
        _inBuffer = (byte*)NativeMemory.AllocZeroed(_inBufferCapacity);
    }

    public void Dispose()
    {
        NativeMemory.Free(_data);
        NativeMemory.Free(_inBuffer);
        NativeMemory.Free(_ioBuffer);
    }

    /// <summary>Writes the managed structure into native memory as the routine's <c>ReasonSpecificData</c>; returns it and its length.</summary>
    public (nint Structure, uint Length) HandOver(ReasonCallbackData? data)
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
                WriteStop(&native->BugCheckCode, &native->BugCheckParameter1, multiPart.BugCheck);
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
                WriteStop(&native->BugCheckCode, &native->BugCheckParameter1, triage.BugCheck);
                return ((nint)native, TriageDumpData.NativeSize);
            }
        }
    }

    /// <summary>
    /// The stop code and its parameters, where both structures that carry them (<c>KBUGCHECK_SECONDARY_DUMP_DATA_EX</c>,
    /// <c>KBUGCHECK_TRIAGE_DUMP_DATA</c>) hold them: <c>BugCheckCode</c>, and <c>BugCheckParameter1</c>–<c>4</c> in a row.
    /// </summary>
    private static void WriteStop(uint* code, nuint* parameters, BugCheckParameters stop)
    {
        *code = stop.Code;
        (parameters[0], parameters[1], parameters[2], parameters[3]) = ((nuint)stop.Parameter1, (nuint)stop.Parameter2, (nuint)stop.Parameter3, (nuint)stop.Parameter4);
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
    public void TakeBack(NativeDriver driver, ReasonCallbackData? data)
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
                else if (_triageArrays.TryGet(array, out var twin))
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
