using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Tests.Cli;

namespace BugCheckCallbacks.Tests.Dump;

/// <summary>The library's path entry points look at a path before they open it: a FIFO would block, a device never end.</summary>
public sealed class SpecialFileTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("bugcheck-special-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<string> Openers() => ["Open", "OpenMapped", "DumpBlobReader.Open"];

    [Theory]
    [MemberData(nameof(Openers))]
    public void A_directory_an_empty_file_and_a_link_loop_are_InvalidDumpException_at_offset_0(string opener)
    {
        var empty = Path.Combine(_folder, "empty.dmp");
        File.WriteAllBytes(empty, []);
        var loop = Path.Combine(_folder, "loop.dmp");
        File.CreateSymbolicLink(loop, loop);
        foreach (var (path, what) in new[] { (_folder, "is a directory"), (empty, "is empty or not a regular file"), (loop, "cannot be followed") })
        {
            FluentActions.Invoking(() => Open(opener, path)).Should().Throw<InvalidDumpException>().Where(e => e.Offset == 0).WithMessage($"*{what}*");
        }

        FluentActions.Invoking(() => Open(opener, Path.Combine(_folder, "none.dmp"))).Should().Throw<FileNotFoundException>();
    }

    [UnixFact]
    public void A_FIFO_is_refused_at_once_instead_of_blocking_the_open()
    {
        var fifo = Path.Combine(_folder, "pipe.dmp");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", [fifo]))
        {
            mkfifo.WaitForExit();
            mkfifo.ExitCode.Should().Be(0);
        }

        foreach (var opener in new[] { "Open", "OpenMapped", "DumpBlobReader.Open" })
        {
            var open = Task.Run(() => Open(opener, fifo));
            var wait = () => open.Wait(TimeSpan.FromSeconds(30)); // a blocked open would return false here, and throw nothing
            wait.Should().Throw<AggregateException>().WithInnerException<InvalidDumpException>().WithMessage("*empty or not a regular file*");
        }
    }

    private static IDisposable Open(string opener, string path) => opener switch
    {
        "Open" => DumpFile.Open(path),
        "OpenMapped" => DumpFile.OpenMapped(path),
        _ => DumpBlobReader.Open(path),
    };
}
