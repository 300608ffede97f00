using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace BugCheckCallbacks.Cli;

/// <summary>
/// Which file a path names, by the file system's identity of it (device and inode, from <c>stat</c>), so that a hard link
/// to an input is known as the input. Linux and macOS; elsewhere, or when <c>stat</c> fails, there is no answer and the
/// caller compares names.
/// </summary>
internal static partial class FileIdentity
{
    /// <summary>The device and inode of the file at <paramref name="path"/> (links followed), or null.</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return null;
        }

        Span<byte> buffer = stackalloc byte[512]; // struct stat is 128 to 144 bytes on the 64-bit ABIs .NET runs on
        buffer.Clear();
        try
        {
            if (Stat(path, ref MemoryMarshal.GetReference(buffer)) != 0)
            {
                return null; // no such file (an output not written yet), or not reachable: names decide
            }
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            return null; // a C library without the stat symbol (glibc before 2.33)
        }

        // Linux (x86-64, arm64): dev_t st_dev (8 bytes), ino_t st_ino (8 bytes). macOS: dev_t st_dev (4 bytes), two u16, then ino_t st_ino at 8.
        var device = OperatingSystem.IsLinux() ? BinaryPrimitives.ReadUInt64LittleEndian(buffer) : BinaryPrimitives.ReadUInt32LittleEndian(buffer);
        return (device, BinaryPrimitives.ReadUInt64LittleEndian(buffer[8..]));
    }

    [LibraryImport("libc", EntryPoint = "stat", StringMarshalling = StringMarshalling.Utf8, SetLastError = false)]
    private static partial int Stat(string path, ref byte buffer);
}
