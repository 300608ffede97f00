using System.Reflection.PortableExecutable;

namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>
/// A real x64 kernel-mode image, built by mingw-w64 from its real <c>ddk/wdm.h</c> against libntoskrnl.a
/// (Conformance/kernel_driver.c): the fixture for reading driver binaries, checked with the BCL's PE reader and
/// mingw-w64's objdump and nm.
/// </summary>
public sealed class KernelImageTests
{
    private static readonly Lazy<string> s_image = new(Build);

    [MingwFact]
    public void The_driver_is_a_PE32_plus_native_x64_image_entered_at_DriverEntry()
    {
        using var reader = new PEReader(File.OpenRead(s_image.Value));
        var headers = reader.PEHeaders;

        headers.PEHeader!.Magic.Should().Be(PEMagic.PE32Plus);
        headers.CoffHeader.Machine.Should().Be(Machine.Amd64);
        headers.PEHeader.Subsystem.Should().Be(Subsystem.Native);
        var driverEntry = Tool("nm", s_image.Value).Split('\n').Single(line => line.EndsWith(" T DriverEntry", StringComparison.Ordinal));
        var address = Convert.ToUInt64(driverEntry[..driverEntry.IndexOf(' ', StringComparison.Ordinal)], 16);
        ((ulong)headers.PEHeader.AddressOfEntryPoint).Should().Be(address - headers.PEHeader.ImageBase);
        BugCheckCallbacks.Native.ImageRanges.SizeOfPortableExecutable(File.ReadAllBytes(s_image.Value).AsSpan(0, 0x400))
            .Should().Be((uint)headers.PEHeader.SizeOfImage, "the library's PE reader reads the image as the BCL's does");
    }

    [MingwFact]
    public void The_driver_imports_the_registration_and_deregistration_routines_from_ntoskrnl_exe_only()
    {
        var imports = Tool("objdump", "-p", s_image.Value);

        imports.Split('\n').Where(line => line.Contains("DLL Name:", StringComparison.Ordinal)).Select(line => line.Trim())
            .Should().Equal("DLL Name: ntoskrnl.exe");
        imports.Should().ContainAll(
            "KeRegisterBugCheckReasonCallback", "KeDeregisterBugCheckReasonCallback", "KeRegisterBugCheckCallback", "KeDeregisterBugCheckCallback");
    }

    private static string Build() =>
        MingwToolchain.Compile(
            Path.Combine(RepositoryRoot.Path, "tests", "BugCheckCallbacks.Tests", "Native", "Windows", "Conformance", "kernel_driver.c"),
            Path.Combine(Directory.CreateTempSubdirectory("bcc-sys-").FullName, "kernel_driver.sys"),
            "-fno-stack-protector", "-mno-stack-arg-probe", "-shared", "-nostdlib", "-Wl,--subsystem,native", "-Wl,--entry,DriverEntry",
            "-Wl,--image-base,0x140000000", "-lntoskrnl");

    /// <summary>Runs one of mingw-w64's binutils (objdump, nm), found beside its compiler.</summary>
    private static string Tool(string name, params string[] arguments)
    {
        var tool = MingwToolchain.Compiler!.Replace("-gcc", "-" + name, StringComparison.Ordinal);
        var (code, output, errors) = NativeCompiler.Execute(tool, arguments);
        return code == 0 ? output : throw new InvalidOperationException($"{tool} failed ({code}): {errors}");
    }
}
