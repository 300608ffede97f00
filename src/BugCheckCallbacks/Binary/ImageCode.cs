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

    public ImageCode(DriverImage image)
    {
        _image = image;
        Sections = [.. image.Sections.Where(s => s.IsExecutable && s.RawSize > 0)];
        foreach (var import in image.Imports)
        {
            Slots[image.ImageBase + import.AddressTableRva] = import;
        }

        foreach (var section in Sections)
        {
            var functionStart = true; // the section's first instruction, or one after a return, a jump or padding
            foreach (var instruction in Decode(section))
            {
                if (instruction.FlowControl is FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch or FlowControl.Call && instruction.Op0Kind is OpKind.NearBranch64)
                {
                    BranchTargets.Add(instruction.NearBranchTarget);
                }

                // A jmp [slot] that starts a function is a thunk (an import library's, say): its callers make the calls.
                // One after other instructions of its function is that function's tail call.
                if (functionStart && instruction.Mnemonic == Mnemonic.Jmp && instruction.IsIPRelativeMemoryOperand && Slots.TryGetValue(instruction.IPRelativeMemoryAddress, out var thunked))
                {
                    Thunks[instruction.IP] = thunked;
                }

                functionStart = instruction.FlowControl is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch
                    || instruction.Mnemonic is Mnemonic.Nop or Mnemonic.Int3;
            }
        }
    }

    public IReadOnlyList<ImageSection> Sections { get; }

    /// <summary>Gets every import by the absolute address of its import address table slot.</summary>
    public Dictionary<ulong, ImageImport> Slots { get; } = [];

    /// <summary>Gets the thunks by their absolute address.</summary>
    public Dictionary<ulong, ImageImport> Thunks { get; } = [];

    /// <summary>Gets the absolute address of every direct jump, branch and call target.</summary>
    public HashSet<ulong> BranchTargets { get; } = [];

    /// <summary>The import a call (or a tail jump) reaches: through its slot, a register loaded from it, or a thunk; null for anything else.</summary>
    public static ImageImport? CalledImport(in Instruction call, Dictionary<ulong, ImageImport> slots, Dictionary<ulong, ImageImport> thunks, RegisterState state) => call.Op0Kind switch
    {
        OpKind.Memory when call.IsIPRelativeMemoryOperand => slots.GetValueOrDefault(call.IPRelativeMemoryAddress),
        OpKind.Register => state.ImportIn(call.Op0Register),
        OpKind.NearBranch64 => thunks.GetValueOrDefault(call.NearBranchTarget),
        _ => null,
    };

    /// <summary>Decodes a whole section, in address order.</summary>
    public IEnumerable<Instruction> Decode(ImageSection section) => Decode(section, section.VirtualAddress);

    /// <summary>Decodes from <paramref name="rva"/> to the end of its section's bytes (nothing when no executable section holds it).</summary>
    public IEnumerable<Instruction> DecodeFrom(ulong rva) =>
        Sections.FirstOrDefault(s => rva >= s.VirtualAddress && rva - s.VirtualAddress < s.RawSize) is { } section ? Decode(section, (uint)rva) : [];

    private IEnumerable<Instruction> Decode(ImageSection section, uint rva)
    {
        var data = _image.GetRawData(section);
        if (!MemoryMarshal.TryGetArray(data, out var segment))
        {
            segment = new ArraySegment<byte>(data.ToArray());
        }

        var skip = (int)(rva - section.VirtualAddress);
        var reader = new ByteArrayCodeReader(segment.Array!, segment.Offset + skip, segment.Count - skip);
        var decoder = Decoder.Create(64, reader, _image.ImageBase + rva);
        while (reader.CanReadByte)
        {
            decoder.Decode(out var instruction);
            yield return instruction;
        }
    }
}
