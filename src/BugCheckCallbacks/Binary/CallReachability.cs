using System.Runtime.CompilerServices;
using Iced.Intel;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// The code a callback routine reaches inside the image: its blocks (every direct jump and branch followed), the
/// functions it calls directly, theirs, and so on; and the imports any of them call. An indirect call or jump whose
/// target is not an import is not followed: it is listed as unresolved.
/// </summary>
internal static class CallReachability
{
    /// <summary>The most instructions one walk decodes: a bound on hostile code, above all of a 10 MB driver's code (about 2 million).</summary>
    public const int InstructionLimit = 4_000_000;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)] // it runs once per routine, over all the code it reaches: tiering would run it unoptimised
    public static (List<ReachedImport> Imports, List<uint> Unresolved, bool Truncated) From(DriverImage image, ImageCode code, uint routine)
    {
        var imports = new List<ReachedImport>();
        var unresolved = new List<uint>();
        var functions = new Queue<(ulong Entry, CallPath Path)>();
        var seenFunctions = new CodeAddressSet(image.ImageBase, code.Sections);
        var seenBlocks = new CodeAddressSet(image.ImageBase, code.Sections);
        var blocks = new Stack<ulong>();
        seenFunctions.Add(image.ImageBase + routine);
        functions.Enqueue((image.ImageBase + routine, new CallPath(routine, null)));
        var budget = InstructionLimit;
        var cursor = code.Cursor();
        var state = new RegisterState();
        while (functions.Count > 0)
        {
            var (entry, path) = functions.Dequeue();
            blocks.Push(entry);
            while (blocks.Count > 0)
            {
                var start = blocks.Pop();
                if (!seenBlocks.Add(start))
                {
                    continue;
                }

                state.Reset();
                cursor.MoveTo(start - image.ImageBase);
                while (cursor.TryNext(out var instruction))
                {
                    if (--budget < 0)
                    {
                        return (imports, unresolved, true);
                    }

                    if (instruction.IP != start && code.IsBranchTarget(instruction.IP))
                    {
                        blocks.Push(instruction.IP); // another block starts: walked on its own
                        break;
                    }

                    var rva = (uint)(instruction.IP - image.ImageBase);
                    switch (instruction.FlowControl)
                    {
                        case FlowControl.Call or FlowControl.IndirectCall:
                            if (ImageCode.CalledImport(instruction, code.Slots, code.Thunks, state) is { } import)
                            {
                                imports.Add(new ReachedImport(import, rva, path));
                            }
                            else if (instruction.Op0Kind == OpKind.NearBranch64)
                            {
                                if (seenFunctions.Add(instruction.NearBranchTarget))
                                {
                                    functions.Enqueue((instruction.NearBranchTarget, new CallPath((uint)(instruction.NearBranchTarget - image.ImageBase), path)));
                                }
                            }
                            else
                            {
                                unresolved.Add(rva);
                            }

                            state.AfterCall();
                            continue;
                        case FlowControl.ConditionalBranch:
                            blocks.Push(instruction.NearBranchTarget);
                            state.Apply(instruction, code.Slots);
                            continue;
                        case FlowControl.UnconditionalBranch:
                            if (code.Thunks.TryGetValue(instruction.NearBranchTarget, out var tail))
                            {
                                imports.Add(new ReachedImport(tail, rva, path));
                            }
                            else
                            {
                                blocks.Push(instruction.NearBranchTarget);
                            }

                            break;
                        case FlowControl.IndirectBranch:
                            if (ImageCode.CalledImport(instruction, code.Slots, code.Thunks, state) is { } tailImport)
                            {
                                imports.Add(new ReachedImport(tailImport, rva, path));
                            }
                            else
                            {
                                unresolved.Add(rva);
                            }

                            break;
                        case FlowControl.Return or FlowControl.Interrupt or FlowControl.Exception:
                            break;
                        default:
                            state.Apply(instruction, code.Slots);
                            continue;
                    }

                    break; // the block ended
                }
            }
        }

        return (imports, unresolved, false);
    }
}
