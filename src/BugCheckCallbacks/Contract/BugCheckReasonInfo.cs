namespace BugCheckCallbacks;

/// <summary>Describes one <see cref="BugCheckCallbackReason"/>: its wdm.h name and value, its data, its history and meaning.</summary>
/// <remarks>Instances come from <see cref="BugCheckReasons"/>, the single source of truth for docs and the CLI.</remarks>
public sealed class BugCheckReasonInfo
{
    internal BugCheckReasonInfo(
        BugCheckCallbackReason reason,
        string nativeName,
        Type? dataType,
        string? nativeDataTypeName,
        string minimumVersion,
        bool isDispatched,
        string description)
    {
        Reason = reason;
        NativeName = nativeName;
        DataType = dataType;
        NativeDataTypeName = nativeDataTypeName;
        MinimumVersion = minimumVersion;
        IsDispatched = isDispatched;
        Description = description;
    }

    /// <summary>Gets the reason.</summary>
    public BugCheckCallbackReason Reason { get; }

    /// <summary>Gets the numeric value, the same in <c>KBUGCHECK_CALLBACK_REASON</c>.</summary>
    public int Value => (int)Reason;

    /// <summary>Gets the wdm.h enumerator name, such as <c>KbCallbackSecondaryDumpData</c>.</summary>
    public string NativeName { get; }

    /// <summary>Gets the type of the data a callback receives, or <see langword="null"/> when it receives none.</summary>
    public Type? DataType { get; }

    /// <summary>Gets the wdm.h name of that data, such as <c>KBUGCHECK_SECONDARY_DUMP_DATA</c>, or <see langword="null"/>.</summary>
    public string? NativeDataTypeName { get; }

    /// <summary>Gets the first Windows version that dispatches the reason, as the public documentation states it.</summary>
    public string MinimumVersion { get; }

    /// <summary>Gets a value indicating whether the kernel ever calls callbacks registered for the reason.</summary>
    public bool IsDispatched { get; }

    /// <summary>Gets a one-line meaning of the reason.</summary>
    public string Description { get; }
}
