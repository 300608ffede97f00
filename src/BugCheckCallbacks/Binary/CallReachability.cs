using System.Runtime.CompilerServices;
using Iced.Intel;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// The code a callback routine reaches inside the image: its blocks (every direct jump and branch followed), the
/// functions it calls directly, theirs, and so on; and the imports any of them call. An indirect call or jump whose
/// target is not an import is not followed: it is listed as unresolved.
/// </summary>
internal sealed class CallReachability
{
    /// <summary>The most instructions one walk decodes: a bound on hostile code, above all of a 10 MB driver's code (about 2 million).</summary>
    public const int InstructionLimit = 4_000_000;

    private readonly DriverImage _image;
    private readonly ImageCode _code;
    private readonly ImageCode.CodeCursor _cursor;
    private readonly RegisterState _state = new();
    private readonly List<ReachedImport> _imports = [];
    private readonly List<uint> _unresolved = [];
    private readonly Queue<(ulong Entry, CallPath Path)> _functions = new();
    private readonly CodeAddressSet _seenFunctions;
    private readonly CodeAddressSet _seenBlocks;
    private readonly Stack<ulong> _blocks = new();
    private int _budget = InstructionLimit;

    private CallReachability(DriverImage image, ImageCode code)
    {
        (_image, _code, _cursor) = (image, code, code.Cursor());
        _seenFunctions = new CodeAddressSet(image.ImageBase, code.Sections);
        _seenBlocks = new CodeAddressSet(image.ImageBase, code.Sections);
    }

    /// <summary>Walks from <paramref name="routine"/> (an RVA): the imports reached, the calls not followed, and whether the bound stopped the walk.</summary>
    public static (List<ReachedImport> Imports, List<uint> Unresolved, bool Truncated) From(DriverImage image, ImageCode code, uint routine)
    {
        var walk = new CallReachability(image, code);
        var truncated = !walk.Run(routine);
        return (walk._imports, walk._unresolved, truncated);
    }

    /// <summary>Every function in turn, from the routine's; false when the bound stopped it.</summary>
    private bool Run(uint routine)
    {
        _seenFunctions.Add(_image.ImageBase + routine);
        _functions.Enqueue((_image.ImageBase + routine, new CallPath(routine, null)));
        while (_functions.TryDequeue(out var function))
        {
            _blocks.Push(function.Entry);
            while (_blocks.TryPop(out var start))
            {
                if (_seenBlocks.Add(start) && !WalkBlock(start, function.Path))
                {
                    return false;
                }
            }
        }

        return true;
    }

    /// <summary>One block, to its end or the next block's start; false when the bound stopped it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // runs over every instruction reached: tiering would run it unoptimised
    private bool WalkBlock(ulong start, CallPath path)
    {
        _state.Reset();
        _cursor.MoveTo(start - _image.ImageBase);
        while (_cursor.TryNext(out var instruction))
        {
            if (--_budget < 0)
            {
                return false;
            }

            if (instruction.IP != start && _code.IsBranchTarget(instruction.IP))
            {
                _blocks.Push(instruction.IP); // another block starts: walked on its own
                return true;
            }

            if (!Follow(instruction, path))
            {
                return true; // the block ended
            }
        }

        return true;
    }

    /// <summary>Follows one instruction; false when it ends the block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)] // into WalkBlock, which is compiled optimised from its first call
    private bool Follow(in Instruction instruction, CallPath path)
    {
        var rva = (uint)(instruction.IP - _image.ImageBase);
        switch (instruction.FlowControl)
        {
            case FlowControl.Call or FlowControl.IndirectCall:
                Call(instruction, rva, path);
                _state.AfterCall();
                return true;
            case FlowControl.ConditionalBranch:
                _blocks.Push(instruction.NearBranchTarget);
                _state.Apply(instruction, _code.Slots);
                return true;
            case FlowControl.UnconditionalBranch:
                if (_code.Thunks.TryGetValue(instruction.NearBranchTarget, out var tail))
                {
                    _imports.Add(new ReachedImport(tail, rva, path));
                }
                else
                {
                    _blocks.Push(instruction.NearBranchTarget);
                }

                return false;
            case FlowControl.IndirectBranch:
                Reach(instruction, rva, path);
                return false;
            case FlowControl.Return or FlowControl.Interrupt or FlowControl.Exception:
                return false;
            default:
                _state.Apply(instruction, _code.Slots);
                return true;
        }
    }

    /// <summary>A call: an import reached, a function of the image to walk (once), or a call not followed.</summary>
    private void Call(in Instruction call, uint rva, CallPath path)
    {
        if (call.Op0Kind == OpKind.NearBranch64 && !_code.Thunks.ContainsKey(call.NearBranchTarget))
        {
            if (_seenFunctions.Add(call.NearBranchTarget))
            {
                _functions.Enqueue((call.NearBranchTarget, new CallPath((uint)(call.NearBranchTarget - _image.ImageBase), path)));
            }

            return;
        }

        Reach(call, rva, path);
    }

    /// <summary>An indirect call or jump, or a call to a thunk: the import it reaches, or a call not followed.</summary>
    private void Reach(in Instruction call, uint rva, CallPath path)
    {
        if (ImageCode.CalledImport(call, _code.Slots, _code.Thunks, _state) is { } import)
        {
            _imports.Add(new ReachedImport(import, rva, path));
        }
        else
        {
            _unresolved.Add(rva);
        }
    }
}
