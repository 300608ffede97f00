namespace BugCheckCallbacks.Dump;

/// <summary>Specifies the kind of a section of a dump file (docs/dump-format.md).</summary>
public enum DumpSectionKind
{
    /// <summary>The page runs gathered by AddPages minus RemovePages, each with its address and bytes.</summary>
    Body = 1,

    /// <summary>The triage blocks, each with its owner, address and bytes.</summary>
    Triage = 2,

    /// <summary>The secondary-data region, exactly in the Windows DumpBlob layout.</summary>
    SecondaryData = 3,

    /// <summary>The outcome report, UTF-8 JSON.</summary>
    Report = 4,
}
