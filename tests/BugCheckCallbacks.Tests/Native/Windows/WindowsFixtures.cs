namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>Windows binaries built by mingw-w64 once per test run: the real kernel-mode driver and the sample driver DLLs.</summary>
internal static class WindowsFixtures
{
    private static readonly Lazy<string> s_kernelDriver = new(() => KernelDriverBuiltWith("-O2"));
    private static readonly Lazy<string> s_storage = new(() => SampleDll("storage_driver"));

    /// <summary>Conformance/kernel_driver.c as a .sys, built against the real <c>ddk/wdm.h</c> and libntoskrnl.a.</summary>
    public static string KernelDriver => s_kernelDriver.Value;

    /// <summary>samples/native/storage_driver.c as a DLL: exports, and relocated pointers in its data.</summary>
    public static string StorageDll => s_storage.Value;

    public static string KernelDriverBuiltWith(string optimisation) =>
        MingwToolchain.Compile(
            Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Native", "Windows", "Conformance", "kernel_driver.c"),
            Path.Combine(Directory.CreateTempSubdirectory("bcc-sys-").FullName, "kernel_driver.sys"),
            optimisation, "-fno-stack-protector", "-mno-stack-arg-probe", "-shared", "-nostdlib", "-Wl,--subsystem,native",
            "-Wl,--entry,DriverEntry", "-Wl,--image-base,0x140000000", "-lntoskrnl");

    private static string SampleDll(string name) =>
        MingwToolchain.Compile(
            Path.Combine(RepositoryRoot.Path, "samples", "native", name + ".c"), Path.Combine(Directory.CreateTempSubdirectory("bcc-mingw-").FullName, name + ".dll"), "-shared");

    /// <summary>Runs one of mingw-w64's binutils (objdump, nm), found beside its compiler, and returns its output.</summary>
    public static string Tool(string name, params string[] arguments)
    {
        var tool = MingwToolchain.Compiler!.Replace("-gcc", "-" + name, StringComparison.Ordinal);
        var (code, output, errors) = NativeCompiler.Execute(tool, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"{tool} failed ({code}): {errors}");
    }
}
