namespace BugCheckCallbacks.Simulation;

/// <summary>Specifies the phases of a simulated bug check, in the order they run.</summary>
public enum BugCheckPhase
{
    /// <summary>Bug-check entry: <see cref="BugCheckCallbackReason.Reserved1"/> callbacks, no data.</summary>
    Entry = 0,

    /// <summary>Triage dump data (triage and automatic dumps).</summary>
    TriageDumpData = 1,

    /// <summary>AddPages repeat protocol (kernel and complete dumps).</summary>
    AddPages = 2,

    /// <summary>RemovePages repeat protocol (kernel and complete dumps).</summary>
    RemovePages = 3,

    /// <summary>The dump header is written (DumpIo <see cref="DumpIoType.Header"/>).</summary>
    DumpHeader = 4,

    /// <summary>The dump body is written (DumpIo <see cref="DumpIoType.Body"/>).</summary>
    DumpBody = 5,

    /// <summary>SecondaryDumpData sizing and data passes; DumpIo <see cref="DumpIoType.SecondaryData"/> per blob.</summary>
    SecondaryData = 6,

    /// <summary>SecondaryMultiPartDumpData repeat protocol; DumpIo <see cref="DumpIoType.SecondaryData"/> per blob.</summary>
    SecondaryMultiPartData = 7,

    /// <summary>DumpIo <see cref="DumpIoType.Complete"/>, once.</summary>
    DumpComplete = 8,

    /// <summary>Classic callbacks, after the dump is written.</summary>
    Classic = 9,
}
