namespace BugCheckCallbacks.Simulation;

/// <summary>Specifies which pass of a two-pass protocol a call belongs to.</summary>
public enum InvocationPass
{
    /// <summary>The reason has one kind of call.</summary>
    None = 0,

    /// <summary>The SecondaryDumpData sizing pass (<c>OutBuffer</c> null).</summary>
    Sizing = 1,

    /// <summary>The SecondaryDumpData data pass (<c>OutBuffer == InBuffer</c>).</summary>
    Data = 2,
}
