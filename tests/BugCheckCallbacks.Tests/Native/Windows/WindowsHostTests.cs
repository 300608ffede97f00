using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>
/// The whole path on Windows: a driver built by mingw-w64 as a DLL, loaded by the library into .NET for win-x64 (the
/// program tests/BugCheckCallbacks.WindowsHost, published self-contained against the library these tests run with) and
/// bug-checked — run under Wine off Windows, so Wine's Windows API and the .NET runtime for Windows, not a Windows kernel.
/// </summary>
public sealed class WindowsHostTests
{
    private static readonly Lazy<string> s_host = new(Publish);

    [MingwFact]
    public void A_driver_DLL_that_faults_in_a_callback_is_contained_and_the_other_callbacks_blob_is_in_the_dump()
    {
        var driver = Driver("contained");

        var (code, output) = MingwToolchain.Run(s_host.Value, driver);

        output.Should().Contain("contains faults: True");
        output.Should().Contain("violation BCV0001 fault.sys: ")
            .And.Contain("STATUS_ACCESS_VIOLATION (a bad memory access) at address 0x10, instruction contained.dll+0x")
            .And.Contain("the kernel's exception handler contained it.");
        output.Should().Contain("record fault.sys: Incomplete").And.Contain("record good.sys: Finished");
        output.Should().Contain("blob: " + Convert.ToHexString([.. Enumerable.Range(0, 64).Select(i => (byte)(i * 3))]), "the good callback's 64 bytes are in the dump");
        code.Should().Be(0, output);
    }

    [MingwFact]
    public void A_driver_DLL_whose_callback_never_returns_is_interrupted_and_its_thread_ends()
    {
        var driver = Driver("hanging", "-DHANG");

        var (code, output) = MingwToolchain.Run(s_host.Value, driver);

        output.Should().Contain("violation BCV0016 hang.sys: ").And.Contain("the native routine interrupted: its thread has ended.");
        output.Should().Contain("record hang.sys: Incomplete");
        code.Should().Be(0, output);
    }

    [MingwTheory]
    [InlineData("storage_driver")]
    [InlineData("faulty_driver")]
    [InlineData("contained")]
    public void A_driver_DLL_imports_only_what_every_Windows_machine_has(string name)
    {
        var source = name == "contained" ? ContainedSource : Path.Combine(RepositoryRoot.Path, "samples", "native", name + ".c");
        var output = MingwToolchain.Compile(source, Path.Combine(Directory.CreateTempSubdirectory("bcc-mingw-").FullName, name + ".dll"), "-shared");

        var text = System.Text.Encoding.ASCII.GetString(File.ReadAllBytes(output));

        text.Should().Contain("KERNEL32.dll").And.NotContain("libgcc_s", "a libgcc DLL (emulated TLS, say) is not on a Windows machine, and the driver would not load");
    }

    private static string ContainedSource => Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Native", "Windows", "contained_driver.c");

    private static string Driver(string name, params string[] options) =>
        MingwToolchain.Compile(ContainedSource, Path.Combine(Directory.CreateTempSubdirectory("bcc-mingw-").FullName, name + ".dll"), ["-shared", .. options]);

    /// <summary>Publishes the host for win-x64 against the library loaded here; returns the program's path.</summary>
    private static string Publish()
    {
        var output = Directory.CreateTempSubdirectory("bcc-windows-host-").FullName;
        var project = Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.WindowsHost", "BugCheckCallbacks.WindowsHost.csproj");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var (code, text, errors) = NativeCompiler.Execute(
            dotnet,
            ["publish", project, "-c", "Release", "-o", output, $"-p:LibraryPath={typeof(SimulatedKernel).Assembly.Location}", "-nologo"],
            timeout: TimeSpan.FromMinutes(5));
        return code == 0 ? Path.Combine(output, "BugCheckCallbacks.WindowsHost.exe") : throw new InvalidOperationException($"dotnet publish {project} failed ({code}):{Environment.NewLine}{text}{errors}");
    }
}
