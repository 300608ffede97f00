using System.Runtime.CompilerServices;
using Iced.Intel;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// Finds every call a driver image makes to the registration routines, by decoding its code with Iced
/// (docs/inspect.md, "How calls are found"): through the import address table (<c>call [rip+slot]</c>), through a
/// register loaded from it (<c>mov rsi, [rip+slot]</c> … <c>call rsi</c>, as gcc -O2 hoists it out of a loop), or
/// through a jump thunk (<c>call thunk</c>, <c>thunk: jmp [rip+slot]</c>).
/// </summary>
public static class RegistrationScanner
{
    /// <summary>Finds the registration and deregistration calls in every executable section of <paramref name="image"/>, in address order.</summary>
    /// <param name="image">The driver image.</param>
    /// <returns>The calls.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public static IReadOnlyList<RegistrationCall> Scan(DriverImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return ImportsRegistration(image) ? Scan(image, new ImageCode(image)) : [];
    }

    /// <summary>Whether the image imports any of the registration routines: when it does not, its code makes no such call.</summary>
    internal static bool ImportsRegistration(DriverImage image) => image.Imports.Any(i => RoutineOf(i) is not null);

    /// <summary>Finds the calls in <paramref name="code"/>, already decoded once for its thunks and branch targets.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // it runs once, over every instruction: tiering would run it unoptimised
    internal static List<RegistrationCall> Scan(DriverImage image, ImageCode code)
    {
        var calls = new List<RegistrationCall>();
        var (slots, thunks) = (code.Slots, code.Thunks);
        var info = new InstructionInfoFactory();
        var cursor = code.Cursor();
        foreach (var section in code.Sections)
        {
            var state = new RegisterState();
            var pending = -1; // the registration call whose result is not yet known to be read or dropped
            cursor.MoveTo(section.VirtualAddress);
            while (cursor.TryNext(out var instruction))
            {
                if (code.IsBranchTarget(instruction.IP))
                {
                    state.EnterBlock(); // another path may arrive here with other values
                    pending = -1;
                }

                if (pending >= 0 && ResultUse(instruction, info) is var use && (use is not null || EndsBlock(instruction)))
                {
                    calls[pending] = calls[pending] with { ResultUsed = use };
                    pending = -1;
                }

                var flow = instruction.FlowControl;
                var tailCall = flow == FlowControl.IndirectBranch && !thunks.ContainsKey(instruction.IP);
                if (flow is FlowControl.Call or FlowControl.IndirectCall || tailCall)
                {
                    if (ImageCode.CalledImport(instruction, slots, thunks, state) is { } import && RoutineOf(import) is { } routine)
                    {
                        calls.Add(Describe(image, routine, instruction, state));
                        pending = tailCall || !calls[^1].IsRegistration ? -1 : calls.Count - 1; // a tail call's result is its caller's
                    }

                    state.AfterCall();
                    if (tailCall)
                    {
                        state.EnterBlock();
                    }

                    continue;
                }

                state.Apply(instruction, slots);
                if (flow is FlowControl.Return or FlowControl.UnconditionalBranch or FlowControl.IndirectBranch or FlowControl.Interrupt)
                {
                    state.EnterBlock();
                    if (flow == FlowControl.Return)
                    {
                        state.LeaveFunction();
                    }
                }
            }
        }

        return calls;
    }

    /// <summary>What <paramref name="instruction"/> does with the result in al: reads or returns it (true), drops it (false), neither (null).</summary>
    private static bool? ResultUse(in Instruction instruction, InstructionInfoFactory info)
    {
        if (instruction.FlowControl == FlowControl.Return)
        {
            return true;
        }

        if (instruction.FlowControl is FlowControl.Call or FlowControl.IndirectCall)
        {
            return false; // it clobbers rax before anything read it
        }

        var (reads, writes) = (false, false);
        foreach (var used in info.GetInfo(instruction).GetUsedRegisters())
        {
            if (used.Register.GetFullRegister() == Register.RAX)
            {
                reads |= used.Access is OpAccess.Read or OpAccess.CondRead or OpAccess.ReadWrite or OpAccess.ReadCondWrite;
                writes |= used.Access is OpAccess.Write or OpAccess.CondWrite;
            }
        }

        return reads ? true : writes ? false : null;
    }

    private static bool EndsBlock(in Instruction instruction) =>
        instruction.FlowControl is FlowControl.UnconditionalBranch or FlowControl.ConditionalBranch or FlowControl.IndirectBranch or FlowControl.Interrupt;

    /// <summary>The registration routine <paramref name="import"/> is, or null for any other import.</summary>
    private static RegistrationRoutine? RoutineOf(ImageImport import) =>
        import.Module.Equals("ntoskrnl.exe", StringComparison.OrdinalIgnoreCase) && Enum.TryParse<RegistrationRoutine>(import.Name, out var routine) && import.Name == routine.ToString()
            ? routine : null;

    private static RegistrationCall Describe(DriverImage image, RegistrationRoutine routine, in Instruction call, RegisterState state)
    {
        uint? Rva(ulong? address) => address is { } a && a >= image.ImageBase && a - image.ImageBase < image.SizeOfImage ? (uint)(a - image.ImageBase) : null;
        var registration = routine is RegistrationRoutine.KeRegisterBugCheckReasonCallback or RegistrationRoutine.KeRegisterBugCheckCallback;
        var component = !registration ? null : routine == RegistrationRoutine.KeRegisterBugCheckReasonCallback ? Rva(state.ValueOf(Register.R9)) : Rva(state.StackSlot);
        return new RegistrationCall(
            routine,
            (uint)(call.IP - image.ImageBase),
            Rva(state.ValueOf(Register.RCX)),
            registration ? Rva(state.ValueOf(Register.RDX)) : null,
            routine == RegistrationRoutine.KeRegisterBugCheckReasonCallback && state.ValueOf(Register.R8) is { } reason && reason <= uint.MaxValue ? (BugCheckCallbackReason)(uint)reason : null,
            component,
            component is { } at ? image.ReadAsciiString(at) : null,
            RecordOnStack: state.HoldsFrameAddress(Register.RCX));
    }

}
