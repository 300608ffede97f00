using System.Reflection.PortableExecutable;

namespace BugCheckCallbacks.Tests.Native.Windows;

/// <summary>
/// A real x64 kernel-mode image, built by mingw-w64 from its real <c>ddk/wdm.h</c> against libntoskrnl.a
/// (Conformance/kernel_driver.c): the fixture for reading driver binaries, checked with the BCL's PE reader and
/// mingw-w64's objdump and nm.
/// </summary>
public sealed class KernelImageTests
{
    private static string Image => WindowsFixtures.KernelDriver;

    [MingwFact]
    public void The_driver_is_a_PE32_plus_native_x64_image_entered_at_DriverEntry()
    {
        using var reader = new PEReader(File.OpenRead(Image));
        var headers = reader.PEHeaders;

        headers.PEHeader!.Magic.Should().Be(PEMagic.PE32Plus);
        headers.CoffHeader.Machine.Should().Be(Machine.Amd64);
        headers.PEHeader.Subsystem.Should().Be(Subsystem.Native);
        var driverEntry = WindowsFixtures.Tool("nm", Image).Split('\n').Single(line => line.EndsWith(" T DriverEntry", StringComparison.Ordinal));
        var address = Convert.ToUInt64(driverEntry[..driverEntry.IndexOf(' ', StringComparison.Ordinal)], 16);
        ((ulong)headers.PEHeader.AddressOfEntryPoint).Should().Be(address - headers.PEHeader.ImageBase);
        BugCheckCallbacks.Native.ImageRanges.SizeOfPortableExecutable(File.ReadAllBytes(Image).AsSpan(0, 0x400))
            .Should().Be((uint)headers.PEHeader.SizeOfImage, "the library's PE reader reads the image as the BCL's does");
    }

    [MingwFact]
    public void The_driver_imports_the_registration_and_deregistration_routines_from_ntoskrnl_exe_only()
    {
        var imports = WindowsFixtures.Tool("objdump", "-p", Image);

        imports.Split('\n').Where(line => line.Contains("DLL Name:", StringComparison.Ordinal)).Select(line => line.Trim())
            .Should().Equal("DLL Name: ntoskrnl.exe");
        imports.Should().ContainAll(
            "KeRegisterBugCheckReasonCallback", "KeDeregisterBugCheckReasonCallback", "KeRegisterBugCheckCallback", "KeDeregisterBugCheckCallback");
    }
}
