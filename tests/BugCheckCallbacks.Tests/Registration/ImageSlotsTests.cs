using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Forensics;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Tests.Registration;

public sealed class ImageSlotsTests
{
    private const ulong ImagesBase = 0xFFFFF800_00000000;

    [Fact]
    public void Images_are_packed_at_64_KiB_boundaries_in_first_registration_order()
    {
        var slots = new ImageSlots();
        slots.Next("a.sys");
        slots.Next("b.sys");
        slots.Next("HAL.DLL"); // the HAL's own image, whatever the case

        slots.ToArray().Select(s => (s.Name, s.Base)).Should().Equal(
            ("ntoskrnl.exe", ImagesBase),
            ("hal.dll", ImagesBase + 0x1_0000),
            ("a.sys", ImagesBase + 0x2_0000),
            ("b.sys", ImagesBase + 0x3_0000));
    }

    [Theory]
    [InlineData(1, 0x1000u, 0x1_0000u)] // a name in the header page, code from 0x1000
    [InlineData(0xBFF, 0x1000u, 0x1_0000u)] // the longest name the header page holds
    [InlineData(0xC00, 0x2000u, 0x1_0000u)] // one data page of name
    [InlineData(0xE000, 0x10000u, 0x2_0000u)] // 15 pages of name: the reservation grows past the next boundary
    [InlineData(0x2_0000, 0x11000u, 0x2_0000u)] // a name cut at MaxStoredName
    public void An_image_reserves_its_headers_its_name_and_a_page_of_code_up_to_the_next_64_KiB_boundary(int nameLength, uint text, uint reservation)
    {
        var slots = new ImageSlots();
        slots.Next(new string('n', nameLength));
        slots.Next("after.sys");

        var images = slots.ToArray();
        images[2].TextOffset.Should().Be(text);
        SimulatedAddresses.ImageReservation(text).Should().Be(reservation);
        images[3].Base.Should().Be(images[2].Base + reservation, "the next image starts where this one's reservation ends");
    }

    [Fact]
    public void A_components_routines_reuse_the_first_ones_once_its_code_is_full()
    {
        var slots = new ImageSlots();
        var capacity = SimulatedAddresses.RoutineCapacity(0x1000);
        capacity.Should().Be(3836, "0xF000 bytes of code at 0x10 bytes a routine, 0x40 kept after the last");
        var routines = Enumerable.Range(0, (int)capacity + 2).Select(_ => slots.Next("many.sys").Routine).ToArray();

        var image = slots.ToArray()[2];
        routines[0].Should().Be(image.Base + 0x1000);
        routines[(int)capacity - 1].Should().Be(image.Base + 0xFFB0, "the 64 bytes a reader reads past it end at the reservation's end");
        routines[(int)capacity..].Should().Equal(routines[0], routines[1]);
        image.SizeOfImage.Should().Be(0x1_0000u, "the image fills its reservation and no more: the next image starts there");
    }

    [Fact]
    public void The_kernels_routines_start_after_its_data_page()
    {
        var slots = new ImageSlots();
        var first = slots.Next(SimulatedAddresses.KernelImageName).Routine;

        first.Should().Be(ImagesBase + 0x2010, "routine 0 is KeBugCheckEx");
        SimulatedAddresses.RoutineCapacity(0x2000).Should().Be(3580);
    }

    [Fact]
    public void Past_the_end_of_the_images_area_the_next_image_starts_again_at_its_start()
    {
        var last = ImagesBase + SimulatedAddresses.ImagesAreaSize - 0x1_0000;

        SimulatedAddresses.NextImageBase(last - 0x1_0000, 0x1000, 0x1_0000).Should().Be(last, "the last image fits exactly");
        SimulatedAddresses.NextImageBase(last, 0x1000, 0x1_0000).Should().Be(ImagesBase);
        SimulatedAddresses.NextImageBase(last - 0x1_0000, 0x1000, 0x2_0000).Should().Be(ImagesBase, "a long name's image does not fit either");
    }

    [Fact]
    public void A_hundred_thousand_components_share_a_page_table_per_32_images()
    {
        var slots = new ImageSlots();
        for (var i = 0; i < 100_000; i++)
        {
            slots.Next($"d{i:D6}.sys");
        }

        var images = slots.ToArray();
        images.Should().HaveCount(100_002);
        images.Select(s => s.Base).Should().BeInAscendingOrder().And.OnlyHaveUniqueItems();
        images[^1].Base.Should().Be(ImagesBase + (100_001UL * 0x1_0000));
        images.Select(s => s.Base >> 21).Distinct().Should().HaveCount((100_002 + 31) / 32, "one 2 MiB page table maps 32 images");
    }

    [Fact]
    public void A_component_with_more_records_than_its_image_has_routines_crashes_into_a_dump_whose_images_do_not_overlap()
    {
        var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.BitmapKernel, DetectAllocations = false });
        for (var i = 0; i < 4_000; i++)
        {
            kernel.Callbacks.Register(new BugCheckReasonCallbackRecord(), (_, _, _) => { }, BugCheckCallbackReason.Reserved1, "many.sys").Should().BeTrue();
        }

        var last = new BugCheckReasonCallbackRecord();
        kernel.Callbacks.Register(last, (_, _, _) => { }, BugCheckCallbackReason.Reserved1, "next.sys").Should().BeTrue();
        var sink = new InMemoryDumpSink();
        kernel.KeBugCheckEx(0xD1, sink: sink).Violations.Should().BeEmpty();

        using var dump = sink.Open();
        var walker = new KernelWalker(dump);
        var modules = walker.ReadModules().Modules;
        modules.Select(m => m.Name).Should().Equal("ntoskrnl.exe", "hal.dll", "many.sys", "next.sys");
        modules[2].Size.Should().Be(0x1_0000u, "many.sys fills its reservation");
        modules[3].Base.Should().Be(modules[2].Base + 0x1_0000);
        walker.ModuleAt(last.CallbackRoutineAddress)!.Name.Should().Be("next.sys");
    }
}
