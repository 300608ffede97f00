using System.Runtime.CompilerServices;
using Iced.Intel;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// What the scanner knows of the general registers at one instruction: a constant (an immediate, or an address a
/// RIP-relative <c>lea</c> computed) set in the current basic block, or an imported routine's address loaded from the
/// import address table; and the constants stored in the frame's 8-byte slots ([rsp+d], [rbp+d]) in this block — the
/// fifth argument's slot, and the locals an unoptimised build spills its arguments to and reloads them from.
/// </summary>
/// <remarks>
/// Constants last to the end of the block. An address loaded from the import address table into a callee-saved register
/// (rbx, rbp, rsi, rdi, r12–r15) lasts across blocks until that register is written again or the function returns: that
/// is how a compiler keeps a routine it calls in a loop (gcc -O2: <c>mov rsi, [rip+slot]</c> before the loop,
/// <c>call rsi</c> in it).
/// </remarks>
internal sealed class RegisterState
{
    private const int VolatileMask = 0b1111_1111_0000_0111; // rax, rcx, rdx, r8–r11 (and rsp's bit, never set: it holds no constant)
    private readonly ulong?[] _values = new ulong?[16];
    private readonly ImageImport?[] _imports = new ImageImport?[16];
    private readonly (Register Base, ulong Displacement)?[] _frameAddresses = new (Register, ulong)?[16]; // lea reg, [rsp+d]: the register holds that frame address
    private readonly InstructionInfoFactory _info = new();
    private readonly FrameSlots _frame = new();
    private int _constants; // bit i: register i holds a value or a frame address
    private int _importsHeld; // bit i: register i holds an import

    /// <summary>Whether any register holds anything: when none does and no slot is known, an instruction has nothing to forget.</summary>
    private bool KnowsAnything => (_constants | _importsHeld) != 0 || _frame.Count != 0;

    /// <summary>Gets the constant stored at [rsp+0x20] in this block (a call's fifth argument), or null.</summary>
    public ulong? StackSlot => _frame.Get(Register.RSP, 0x20).Value;

    public ulong? ValueOf(Register register) => Index(register) is { } i ? _values[i] : null;

    public ImageImport? ImportIn(Register register) => Index(register) is { } i ? _imports[i] : null;

    /// <summary>Whether <paramref name="register"/> holds an address in the stack frame, set in this block: a local's.</summary>
    public bool HoldsFrameAddress(Register register) => Index(register) is { } i && _frameAddresses[i] is not null;

    /// <summary>A block starts: constants are forgotten; imports in callee-saved registers stay.</summary>
    public void EnterBlock()
    {
        if (_constants != 0)
        {
            Array.Clear(_values);
            Array.Clear(_frameAddresses);
            _constants = 0;
        }

        _frame.Clear();
        ForgetImports(VolatileMask);
    }

    /// <summary>Forgets everything: another function's block starts.</summary>
    public void Reset()
    {
        ForgetImports(~0);
        EnterBlock();
    }

    /// <summary>A call returned: it may have changed every volatile register and the outgoing arguments.</summary>
    public void AfterCall()
    {
        for (var i = 0; i < 16; i++)
        {
            if ((VolatileMask & (1 << i)) != 0)
            {
                Set(i, null, null, null);
            }
        }

        _frame.Clear(); // the callee may write any local whose address escaped
    }

    public void LeaveFunction() => ForgetImports(~0);

    /// <summary>Follows one instruction that is not a call.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // called for every instruction from the first: tiering would run it unoptimised
    public void Apply(in Instruction instruction, Dictionary<ulong, ImageImport> slots)
    {
        var mnemonic = instruction.Mnemonic;
        if (!KnowsAnything && mnemonic is not (Mnemonic.Lea or Mnemonic.Mov or Mnemonic.Xor))
        {
            return; // nothing is known, so nothing is forgotten, and only lea, mov and xor make something known
        }

        if (!TrackRegister(instruction, mnemonic, slots) && !TrackStore(instruction, mnemonic) && KnowsAnything)
        {
            ForgetWrites(instruction); // nothing known, nothing to forget: Iced's analysis of the instruction is the cost
        }
    }

    /// <summary>A register set to what can be followed (a constant, an import, a local's address) or a copy of one; false for any other instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as Apply: called for every instruction from the first
    private bool TrackRegister(in Instruction instruction, Mnemonic mnemonic, Dictionary<ulong, ImageImport> slots)
    {
        if (instruction.OpCount == 0 || instruction.Op0Kind != OpKind.Register || Index(instruction.Op0Register) is not { } target)
        {
            return false;
        }

        var wide = instruction.Op0Register.GetSize() == 8;
        (ulong? Value, ImageImport? Import, (Register, ulong)? FrameAddress)? tracked = mnemonic switch
        {
            // A local's address: lea reg, [rsp+d] or [rbp+d], a copy of a register that holds one, or one reloaded from a slot.
            Mnemonic.Lea when instruction.IsIPRelativeMemoryOperand => (instruction.IPRelativeMemoryAddress, null, null),
            Mnemonic.Lea when FrameSlot(instruction) is { } local => (null, null, local),
            Mnemonic.Mov when instruction.Op1Kind is OpKind.Immediate8 or OpKind.Immediate16 or OpKind.Immediate32 or OpKind.Immediate64 or OpKind.Immediate32to64 =>
                (Width(instruction.Op0Register, instruction.GetImmediate(1)), null, null),
            Mnemonic.Mov when wide && instruction.Op1Kind == OpKind.Memory && instruction.IsIPRelativeMemoryOperand =>
                (null, slots.GetValueOrDefault(instruction.IPRelativeMemoryAddress), null),
            Mnemonic.Mov when wide && instruction.Op1Kind == OpKind.Register && Index(instruction.Op1Register) is { } from =>
                (_values[from], _imports[from], _frameAddresses[from]),
            Mnemonic.Mov when wide && instruction.Op1Kind == OpKind.Memory && FrameSlot(instruction) is { } slot && _frame.Get(slot.Item1, slot.Item2) is var stored =>
                (stored.Value, null, stored.FrameAddress),
            Mnemonic.Xor when instruction.Op1Kind == OpKind.Register && instruction.Op0Register == instruction.Op1Register => (0UL, null, null),
            _ => null,
        };
        if (tracked is not { } known)
        {
            return false;
        }

        Set(target, known.Value, known.Import, known.FrameAddress);
        return true;
    }

    /// <summary>An 8-byte store into a frame slot (<c>mov [rsp+d], reg</c> or an immediate); false for any other instruction.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as Apply: called for every instruction from the first
    private bool TrackStore(in Instruction instruction, Mnemonic mnemonic)
    {
        if (mnemonic != Mnemonic.Mov || instruction.Op0Kind != OpKind.Memory || instruction.MemorySize is not (MemorySize.UInt64 or MemorySize.Int64) || FrameSlot(instruction) is not { } stored)
        {
            return false;
        }

        var (value, frameAddress) = instruction.Op1Kind == OpKind.Register && Index(instruction.Op1Register) is { } from ? (_values[from], _frameAddresses[from])
            : (instruction.Op1Kind is OpKind.Immediate32to64 ? instruction.GetImmediate(1) : null, null);
        _frame.Set(stored.Item1, stored.Item2, value, frameAddress);
        return true;
    }

    /// <summary>Any other instruction: every register it writes is unknown from here on, and so is every frame slot it may write.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // as Apply: called for every instruction from the first
    private void ForgetWrites(in Instruction instruction)
    {
        var info = _info.GetInfo(instruction, _frame.Count == 0 ? InstructionInfoOptions.NoMemoryUsage : InstructionInfoOptions.None);
        foreach (var used in info.GetUsedRegisters())
        {
            if (used.Access is OpAccess.Write or OpAccess.CondWrite or OpAccess.ReadWrite or OpAccess.ReadCondWrite && Index(used.Register) is { } i)
            {
                Set(i, null, null, null);
                if (used.Register.GetFullRegister() is Register.RSP or Register.RBP)
                {
                    _frame.Forget(used.Register.GetFullRegister()); // the frame moved: its slots are elsewhere now
                }
            }
        }

        foreach (var memory in info.GetUsedMemory())
        {
            if (memory.Access is not (OpAccess.Write or OpAccess.CondWrite or OpAccess.ReadWrite or OpAccess.ReadCondWrite) || IsImageGlobal(memory))
            {
                continue;
            }

            if (memory.Index == Register.None && Index(memory.Base) is { } pointer && _frameAddresses[pointer] is { } local)
            {
                // A write into a local whose address is known: only the slots it overlaps change.
                _frame.RemoveOverlapping(local.Base, local.Displacement + memory.Displacement, (ulong)Math.Max(1, memory.MemorySize.GetSize()));
            }
            else
            {
                _frame.Clear(); // a write through a pointer that may point into the frame
            }
        }
    }

    private void Set(int i, ulong? value, ImageImport? import, (Register, ulong)? frameAddress)
    {
        (_values[i], _imports[i], _frameAddresses[i]) = (value, import, frameAddress);
        _constants = value is null && frameAddress is null ? _constants & ~(1 << i) : _constants | (1 << i);
        _importsHeld = import is null ? _importsHeld & ~(1 << i) : _importsHeld | (1 << i);
    }

    /// <summary>Forgets the imports held in the registers of <paramref name="mask"/>.</summary>
    private void ForgetImports(int mask)
    {
        for (var held = _importsHeld & mask; held != 0; held &= held - 1)
        {
            _imports[System.Numerics.BitOperations.TrailingZeroCount(held)] = null;
        }

        _importsHeld &= ~mask;
    }

    /// <summary>Whether a memory operand is a global of the image (RIP-relative, or through a register holding a known address), which no frame slot is.</summary>
    private bool IsImageGlobal(UsedMemory memory) =>
        memory.Base == Register.RIP || (memory.Index == Register.None && memory.Base is not (Register.RSP or Register.RBP) && ValueOf(memory.Base) is not null);

    /// <summary>The frame slot an 8-byte memory operand names ([rsp+d] or [rbp+d], no index), or null.</summary>
    private static (Register, ulong)? FrameSlot(in Instruction instruction) =>
        instruction.MemoryBase is Register.RSP or Register.RBP && instruction.MemoryIndex == Register.None ? (instruction.MemoryBase, instruction.MemoryDisplacement64) : null;

    /// <summary>A write to a 32-bit register zero-extends into the 64-bit one; narrower writes keep the rest, which is unknown.</summary>
    private static ulong? Width(Register register, ulong immediate) => register.GetSize() switch
    {
        8 => immediate,
        4 => (uint)immediate,
        _ => null,
    };

    /// <summary>The index of the 64-bit register <paramref name="register"/> is part of (rax 0 … r15 15), or null for another register.</summary>
    private static int? Index(Register register)
    {
        var full = register.GetFullRegister();
        return full is >= Register.RAX and <= Register.R15 ? full - Register.RAX : null;
    }
}
