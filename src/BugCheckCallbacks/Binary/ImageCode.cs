using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Iced.Intel;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// A driver image's code, decoded with Iced: its executable sections, every import address table slot, the thunks
/// (a <c>jmp [rip+slot]</c> that starts a function) and every direct branch target.
/// </summary>
internal sealed class ImageCode
{
    private readonly DriverImage _image;
    private readonly CodeAddressSet _branchTargets;

    public ImageCode(DriverImage image)
    {
        _image = image;
        Sections = [.. image.Sections.Where(s => s.IsExecutable && s.RawSize > 0)];
        _branchTargets = new CodeAddressSet(image.ImageBase, Sections);
        foreach (var import in image.Imports)
        {
            Slots[image.ImageBase + import.AddressTableRva] = import;
        }

        FindThunksAndTargets();
    }

    public IReadOnlyList<ImageSection> Sections { get; }

    /// <summary>Gets every import by the absolute address of its import address table slot.</summary>
    public Dictionary<ulong, ImageImport> Slots { get; } = [];

    /// <summary>Gets the thunks by their absolute address.</summary>
    public Dictionary<ulong, ImageImport> Thunks { get; } = [];

    /// <summary>Whether a direct jump, branch or call in the code lands at <paramref name="address"/> (absolute).</summary>
    public bool IsBranchTarget(ulong address) => _branchTargets.Contains(address);

    /// <summary>The index in <paramref name="sections"/> of the one whose bytes hold <paramref name="rva"/>, or −1.</summary>
    public static int SectionIndex(IReadOnlyList<ImageSection> sections, ulong rva)
    {
        for (var i = 0; i < sections.Count; i++)
        {
            if (rva >= sections[i].VirtualAddress && rva - sections[i].VirtualAddress < sections[i].RawSize)
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>The import a call (or a tail jump) reaches: through its slot, a register loaded from it, or a thunk; null for anything else.</summary>
    public static ImageImport? CalledImport(in Instruction call, Dictionary<ulong, ImageImport> slots, Dictionary<ulong, ImageImport> thunks, RegisterState state) => call.Op0Kind switch
    {
        OpKind.Memory when call.IsIPRelativeMemoryOperand => slots.GetValueOrDefault(call.IPRelativeMemoryAddress),
        OpKind.Register => state.ImportIn(call.Op0Register),
        OpKind.NearBranch64 => thunks.GetValueOrDefault(call.NearBranchTarget),
        _ => null,
    };

    /// <summary>One pass over the code: every direct branch target, and the thunks.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // it runs once, over every instruction: tiering would run it unoptimised
    private void FindThunksAndTargets()
    {
        var cursor = Cursor();
        foreach (var section in Sections)
        {
            var functionStart = true; // the section's first instruction, or one after a return, a jump or padding
            cursor.MoveTo(section.VirtualAddress);
            while (cursor.TryNext(out var instruction))
            {
                var flow = instruction.FlowControl;
                if (flow is FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch or FlowControl.Call && instruction.Op0Kind is OpKind.NearBranch64)
                {
                    _branchTargets.Add(instruction.NearBranchTarget);
                }

                // A jmp [slot] that starts a function is a thunk (an import library's, say): its callers make the calls.
                // One after other instructions of its function is that function's tail call.
                var mnemonic = instruction.Mnemonic;
                if (functionStart && mnemonic == Mnemonic.Jmp && instruction.IsIPRelativeMemoryOperand && Slots.TryGetValue(instruction.IPRelativeMemoryAddress, out var thunked))
                {
                    Thunks[instruction.IP] = thunked;
                }

                functionStart = flow is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch || mnemonic is Mnemonic.Nop or Mnemonic.Int3;
            }
        }
    }

    /// <summary>
    /// A cursor that decodes from any address of the executable sections: one decoder per section, moved rather than
    /// made again, so a walk that visits thousands of blocks allocates nothing per block.
    /// </summary>
    public CodeCursor Cursor() => new(this);

    private (ByteArrayCodeReader Reader, Decoder Decoder) DecoderFor(ImageSection section)
    {
        var data = _image.GetRawData(section);
        if (!MemoryMarshal.TryGetArray(data, out var segment))
        {
            segment = new ArraySegment<byte>(data.ToArray());
        }

        var reader = new ByteArrayCodeReader(segment.Array!, segment.Offset, segment.Count);
        return (reader, Decoder.Create(64, reader, _image.ImageBase + section.VirtualAddress));
    }

    /// <summary>Decodes the executable sections from any address, one instruction at a time.</summary>
    internal sealed class CodeCursor
    {
        private readonly ImageCode _code;
        private readonly (ByteArrayCodeReader Reader, Decoder Decoder)?[] _decoders;
        private ByteArrayCodeReader? _reader;
        private Decoder? _decoder;

        public CodeCursor(ImageCode code) => (_code, _decoders) = (code, new (ByteArrayCodeReader, Decoder)?[code.Sections.Count]);

        /// <summary>Moves to <paramref name="rva"/>; false (and nothing to decode) when no executable section's bytes hold it.</summary>
        public bool MoveTo(ulong rva)
        {
            (_reader, _decoder) = (null, null);
            if (SectionIndex(_code.Sections, rva) is not (var i and >= 0))
            {
                return false;
            }

            var section = _code.Sections[i];
            (_reader, _decoder) = _decoders[i] ??= _code.DecoderFor(section);
            _reader.Position = (int)(rva - section.VirtualAddress);
            _decoder.IP = _code._image.ImageBase + rva;
            return true;
        }

        /// <summary>Decodes the next instruction; false at the end of the section's bytes.</summary>
        public bool TryNext(out Instruction instruction)
        {
            if (_reader is null || !_reader.CanReadByte)
            {
                instruction = default;
                return false;
            }

            _decoder!.Decode(out instruction);
            return true;
        }
    }
}
