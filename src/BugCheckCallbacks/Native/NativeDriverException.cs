namespace BugCheckCallbacks.Native;

/// <summary>The exception <see cref="NativeDriver.Load"/> throws when a driver library cannot be loaded or its <c>DriverEntry</c> fails.</summary>
public sealed class NativeDriverException : Exception
{
    /// <summary>Initializes the exception with no message.</summary>
    public NativeDriverException()
    {
    }

    /// <summary>Initializes the exception with <paramref name="message"/>.</summary>
    /// <param name="message">What went wrong, naming the library.</param>
    public NativeDriverException(string message)
        : base(message)
    {
    }

    /// <summary>Initializes the exception with <paramref name="message"/> and the exception that caused it.</summary>
    /// <param name="message">What went wrong, naming the library.</param>
    /// <param name="innerException">The cause.</param>
    public NativeDriverException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
