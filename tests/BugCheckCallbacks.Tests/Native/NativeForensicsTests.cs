using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Simulation;
using FluentAssertions;

namespace BugCheckCallbacks.Tests.Native;

[Collection(ManyBugChecks.Name)]
public sealed class NativeForensicsTests
{
    [NativeFact]
    public void A_native_drivers_records_are_on_the_kernels_lists_at_their_own_addresses_in_its_module()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic });
        using var driver = kernel.LoadDriver(SampleDrivers.Storage);
        kernel.Register(BugCheckCallbackReason.SecondaryDumpData, "managed.sys", Callbacks.SecondaryWriter(Guid.NewGuid(), new byte[16]));
        var sink = new InMemoryDumpSink();
        var outcome = kernel.KeBugCheckEx(0xD1, 0x10, 2, 0, 0, sink);
        using var dump = sink.Open();
        var walker = new KernelWalker(dump);

        var modules = walker.ReadModules().Modules;
        modules.Select(m => m.Name).Should().Equal("ntoskrnl.exe", "hal.dll", "managed.sys", "storage_driver.sys");
        modules[^1].Base.Should().Be(outcome.Kernel!.Modules[^1].Base).And.BeLessThan(0x0000_8000_0000_0000, "a host library's image is in the user half");

        var scan = walker.ReadCallbackLists();
        scan.AllFindings.Select(f => f.Detail).Should().BeEmpty();
        var native = scan.Lists.SelectMany(l => l.Records).Where(r => r.Component == "storage").ToArray();
        native.Select(r => r.Address).Should().BeEquivalentTo(driver.Records.Select(r => (ulong)driver.AddressOf(r)));
        native.Should().OnlyContain(r => r.ChecksumValid && r.RoutineModule!.Name == "storage_driver.sys");
        native.Select(r => r.ReasonName).Should().BeEquivalentTo("KbCallbackSecondaryDumpData", "KbCallbackSecondaryMultiPartDumpData", "KbCallbackAddPages", "KbCallbackTriageDumpData");
        scan.Lists.Single(l => l.Kind == CallbackListKind.AddRemovePages).Records.Should().ContainSingle().Which.Component.Should().Be("storage");
        scan.Lists.Single(l => l.Kind == CallbackListKind.Reason).Records.Select(r => r.Component).Should().Equal("managed.sys", "storage", "storage", "storage");
    }
}
