namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>A fact that runs a program built by mingw-w64: reported as skipped, never as passed, where it cannot be built or run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MingwFactAttribute : FactAttribute
{
    public MingwFactAttribute()
    {
        Skip = MingwToolchain.RunSkipReason;
    }
}

/// <summary>A theory that compiles with mingw-w64: reported as skipped, never as passed, where there is no mingw-w64.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class MingwTheoryAttribute : TheoryAttribute
{
    public MingwTheoryAttribute()
    {
        Skip = MingwToolchain.CompileSkipReason;
    }
}

/// <summary>A fact that runs a program clang built for mingw-w64: reported as skipped, never as passed, where it cannot be built or run.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ClangMingwFactAttribute : FactAttribute
{
    public ClangMingwFactAttribute()
    {
        Skip = MingwToolchain.ClangSkipReason;
    }
}
