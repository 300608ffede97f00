namespace BugCheckCallbacks.Tests.Native.MacOS;

/// <summary>clang, LLVM's ld64.lld (found by clang's -fuse-ld=lld) and llvm-objdump: Mach-O files built and read on Linux.</summary>
internal static class MachOToolchain
{
    public static string? Clang { get; } = NativeCompiler.OnPath("clang");

    /// <summary>Why Mach-O files cannot be built here, or null when they can.</summary>
    public static string? SkipReason { get; } = Clang is null || NativeCompiler.OnPath("llvm-objdump") is null || !HasLd64()
        ? "No clang, ld64.lld or llvm-objdump on this machine (Debian: clang, lld): the Mach-O image tests need them."
        : null;

    /// <summary>Whether clang finds ld64.lld, LLVM's Mach-O linker, in its own folder (Debian's lld puts it there).</summary>
    private static bool HasLd64()
    {
        var (code, output, _) = NativeCompiler.Execute(Clang!, ["-print-prog-name=ld64.lld"]);
        return code == 0 && File.Exists(output.Trim());
    }
}

/// <summary>A fact that builds a Mach-O file: reported as skipped, never as passed, where the tools are missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MachOFactAttribute : FactAttribute
{
    public MachOFactAttribute()
    {
        Skip = MachOToolchain.SkipReason;
    }
}

/// <summary>A theory that builds Mach-O files: reported as skipped, never as passed, where the tools are missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MachOTheoryAttribute : TheoryAttribute
{
    public MachOTheoryAttribute()
    {
        Skip = MachOToolchain.SkipReason;
    }
}
