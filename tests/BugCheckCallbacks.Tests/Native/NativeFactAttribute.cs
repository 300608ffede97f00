namespace BugCheckCallbacks.Tests.Native;

/// <summary>A fact that needs the machine's C compiler: reported as skipped, never as passed, where there is none.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeFactAttribute : FactAttribute
{
    public NativeFactAttribute()
    {
        Skip = NativeCompiler.SkipReason;
    }
}

/// <summary>A theory that needs the machine's C compiler: reported as skipped, never as passed, where there is none.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NativeTheoryAttribute : TheoryAttribute
{
    public NativeTheoryAttribute()
    {
        Skip = NativeCompiler.SkipReason;
    }
}
