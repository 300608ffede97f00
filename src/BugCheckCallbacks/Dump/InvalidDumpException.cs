namespace BugCheckCallbacks.Dump;

/// <summary>The exception thrown for a corrupt or truncated dump file or DumpBlob region, with where and what was wrong.</summary>
/// <remarks>
/// It derives from <see cref="IOException"/>: <see cref="InvalidDataException"/>, the natural base, is sealed.
/// </remarks>
public sealed class InvalidDumpException : IOException
{
    /// <summary>Initializes an exception with a default message.</summary>
    public InvalidDumpException()
        : this(-1, "The dump is invalid.")
    {
    }

    /// <summary>Initializes an exception with a message.</summary>
    /// <param name="message">What was wrong.</param>
    public InvalidDumpException(string message)
        : this(-1, message)
    {
    }

    /// <summary>Initializes an exception with a message and its cause.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidDumpException(string message, Exception innerException)
        : base(message, innerException)
    {
        Offset = -1;
        Reason = message;
    }

    /// <summary>Initializes an exception for a problem at <paramref name="offset"/>.</summary>
    /// <param name="offset">The file offset of the problem, or −1 when it has none.</param>
    /// <param name="reason">What was wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidDumpException(long offset, string reason, Exception? innerException = null)
        : base(offset >= 0 ? $"Invalid dump at offset 0x{offset:X}: {reason}" : $"Invalid dump: {reason}", innerException)
    {
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Gets the file offset of the problem, or −1 when it has none.</summary>
    public long Offset { get; }

    /// <summary>Gets what was wrong, without the offset.</summary>
    public string Reason { get; }
}
