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

    /// <summary>
    /// The SecondaryDumpData sizing pass (<c>OutBuffer</c> null), before the header: what each callback asks for is
    /// reserved, so the header's <c>RequiredDumpSpace</c> is final when it is written.
    /// </summary>
    SecondaryDataSizing = 4,

    /// <summary>The dump header is written, once (DumpIo <see cref="DumpIoType.Header"/>).</summary>
    DumpHeader = 5,

    /// <summary>The dump body is written (DumpIo <see cref="DumpIoType.Body"/>).</summary>
    DumpBody = 6,

    /// <summary>The SecondaryDumpData data pass (<c>OutBuffer == InBuffer</c>); DumpIo <see cref="DumpIoType.SecondaryData"/> as the region fills.</summary>
    SecondaryData = 7,

    /// <summary>SecondaryMultiPartDumpData repeat protocol; DumpIo <see cref="DumpIoType.SecondaryData"/> per blob.</summary>
    SecondaryMultiPartData = 8,

    /// <summary>DumpIo <see cref="DumpIoType.Complete"/>, once.</summary>
    DumpComplete = 9,

    /// <summary>Classic callbacks, after the dump is written.</summary>
    Classic = 10,
}
