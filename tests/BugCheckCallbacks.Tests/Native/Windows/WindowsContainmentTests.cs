namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>
/// The header's Windows branches, built by mingw-w64: the header and the sample drivers compile for Windows with
/// warnings as errors, and the fault and hang containment (a vectored exception handler, a jump that does not unwind,
/// a suspended thread pointed elsewhere) works in a Windows program — run under Wine off Windows, so what these tests
/// show is Wine's behaviour of the Windows API, not a Windows kernel's (docs/native.md says so).
/// </summary>
public sealed class WindowsContainmentTests
{
    private static readonly string s_source = Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Native", "Windows", "containment.c");

    [MingwTheory]
    [InlineData("storage_driver")]
    [InlineData("faulty_driver")]
    public void A_sample_driver_compiles_for_Windows_as_a_DLL_with_warnings_as_errors(string sample)
    {
        var output = Path.Combine(Directory.CreateTempSubdirectory("bcc-mingw-").FullName, sample + ".dll");

        MingwToolchain.Compile(Path.Combine(RepositoryRoot.Path, "samples", "native", sample + ".c"), output, "-shared");

        var bytes = File.ReadAllBytes(output);
        bytes.AsSpan(0, 2).ToArray().Should().Equal((byte)'M', (byte)'Z');
        System.Text.Encoding.ASCII.GetString(bytes).Should().Contain("BccDriverGlue", "the loader finds the glue by its exported name");
    }

    [MingwFact]
    public void Every_fault_and_a_hang_are_contained_by_the_Windows_glue_built_by_mingw_w64s_gcc() =>
        AllContained(MingwToolchain.Compile(s_source, Path.Combine(Directory.CreateTempSubdirectory("bcc-mingw-").FullName, "containment.exe")));

    [ClangMingwFact]
    public void Every_fault_and_a_hang_are_contained_by_the_Windows_glue_built_by_clang_for_mingw_w64() =>
        AllContained(MingwToolchain.CompileWithClang(s_source, Path.Combine(Directory.CreateTempSubdirectory("bcc-clang-").FullName, "containment.exe")));

    private static void AllContained(string program)
    {
        var (code, output) = MingwToolchain.Run(program);

        output.Should().NotContain("FAIL");
        string[] checks =
        [
            "ok a write through a wild pointer", "ok a read through a wild pointer", "ok a call through NULL", "ok an illegal instruction",
            "ok a division by zero", "ok a reason routine's fault is contained", "ok a DriverEntry fault is contained",
            "ok KeBugCheckEx inside a routine unwinds to the trampoline (1)", "ok a routine that spins is interrupted and its thread returns 2",
            "ok the handler comes out", "0 failed",
        ];
        output.Should().ContainAll(checks);
        code.Should().Be(0);
    }
}
