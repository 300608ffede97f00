namespace BugCheckCallbacks.Binary;

/// <summary>The exception thrown for a file that is not a well-formed x64 PE32+ image, with where and what was wrong.</summary>
/// <remarks>It derives from <see cref="IOException"/>, as <see cref="Dump.InvalidDumpException"/> does.</remarks>
public sealed class InvalidImageException : IOException
{
    /// <summary>Initializes an exception with a default message.</summary>
    public InvalidImageException()
        : this(-1, "The image is invalid.")
    {
    }

    /// <summary>Initializes an exception with a message.</summary>
    /// <param name="message">What was wrong.</param>
    public InvalidImageException(string message)
        : this(-1, message)
    {
    }

    /// <summary>Initializes an exception with a message and its cause.</summary>
    /// <param name="message">What was wrong.</param>
    /// <param name="innerException">The cause.</param>
    public InvalidImageException(string message, Exception innerException)
        : this(-1, message, innerException)
    {
    }

    /// <summary>Initializes an exception for a problem at <paramref name="offset"/>.</summary>
    /// <param name="offset">The file offset of the problem, or −1 when it has none.</param>
    /// <param name="reason">What was wrong.</param>
    /// <param name="innerException">The cause, if any.</param>
    public InvalidImageException(long offset, string reason, Exception? innerException = null)
        : base(offset >= 0 ? $"Invalid image at offset 0x{offset:X}: {reason}" : $"Invalid image: {reason}", innerException)
    {
        Offset = offset;
        Reason = reason;
    }

    /// <summary>Gets the file offset of the problem, or −1 when it has none.</summary>
    public long Offset { get; }

    /// <summary>Gets what was wrong, without the offset.</summary>
    public string Reason { get; }
}
