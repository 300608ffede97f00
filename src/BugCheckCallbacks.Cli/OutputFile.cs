using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Cli;

/// <summary>
/// A file the CLI writes: the bytes go to a temporary file in the target's folder, which replaces the target only when
/// <see cref="Commit"/> says the output is whole; a failed or interrupted command leaves the target as it was (and a
/// temporary file is deleted on the way out, Ctrl-C included).
/// </summary>
internal sealed class OutputFile : IDisposable
{
    private static readonly HashSet<string> s_pending = [];

    // Ctrl-C and kill: the temporary files go, then the signal does what it does (ends the process).
    private static readonly PosixSignalRegistration[] s_signals =
        [PosixSignalRegistration.Create(PosixSignal.SIGINT, _ => DeletePending()), PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => DeletePending())];

    private readonly string _temporary;
    private bool _done;

    static OutputFile() => AppDomain.CurrentDomain.ProcessExit += (_, _) => DeletePending();

    private OutputFile(string path, string temporary, FileStream stream)
    {
        Path = path;
        _temporary = temporary;
        Stream = stream;
    }

    /// <summary>Gets the path the output replaces when committed.</summary>
    public string Path { get; }

    /// <summary>Gets the stream to write the output to.</summary>
    public FileStream Stream { get; }

    /// <summary>Opens a temporary file beside <paramref name="path"/>, or says in one line why it cannot.</summary>
    public static OutputFile Create(string option, string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        var temporary = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
            lock (s_pending)
            {
                s_pending.Add(temporary);
            }

            return new OutputFile(path, temporary, stream);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new UsageException($"{option} \"{path}\" cannot be written: access is denied.", exception);
        }
        catch (IOException exception)
        {
            throw new UsageException($"{option} \"{path}\" cannot be written: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Refuses <paramref name="output"/> when it is the same file as <paramref name="input"/>: by name after symbolic links
    /// are followed, and by identity (device and inode) where the system says it, so a hard link to the input is refused too.
    /// </summary>
    public static void RefuseSameFile(string option, string output, string inputName, string input)
    {
        if (string.Equals(Resolve(output), Resolve(input), OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal)
            || (FileIdentity.Of(output) is { } written && FileIdentity.Of(input) == written))
        {
            throw new UsageException($"{option} \"{output}\" is {inputName} \"{input}\": writing it would destroy the input; give another path.");
        }
    }

    /// <summary>Closes the output and puts it in place of <see cref="Path"/>.</summary>
    public void Commit()
    {
        Stream.Dispose();
        try
        {
            File.Move(_temporary, Path, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"\"{Path}\" cannot be replaced: {exception.Message}", exception);
        }
        finally
        {
            Forget();
        }
    }

    /// <summary>Deletes the temporary file unless the output was committed.</summary>
    public void Dispose()
    {
        Stream.Dispose();
        if (!_done)
        {
            TryDelete(_temporary);
            Forget();
        }
    }

    private void Forget()
    {
        _done = true;
        lock (s_pending)
        {
            s_pending.Remove(_temporary);
        }
    }

    private static string Resolve(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full; // a link loop or an unreadable link: compared by name
        }
    }

    private static void DeletePending()
    {
        lock (s_pending)
        {
            foreach (var temporary in s_pending)
            {
                TryDelete(temporary);
            }

            s_pending.Clear();
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // best effort: the target is untouched either way
        }
    }
}
