using System.Buffers.Binary;
using System.Text;
using BugCheckCallbacks.Binary;

namespace BugCheckCallbacks.Tests.Binary;

/// <summary>
/// The inspection at 100,000: registrations, functions in a chain, blocks in one function, in hand-made images
/// (<see cref="DriverImageTests.ImageWithText"/>) whose code is written here byte by byte.
/// </summary>
public sealed class InspectionScaleTests
{
    private const int Count = 100_000;
    private const uint Text = 0x1000; // the RVA of .text, the one section
    private const ulong ImageBase = 0x140000000;

    [Fact]
    public void A_driver_that_registers_100000_records_has_each_call_found_with_its_record_and_one_walk_of_the_shared_routine()
    {
        // .text: the import directory for ntoskrnl.exe!KeRegisterBugCheckReasonCallback, the component "big", the routine
        // (ret) and its int3 padding, then per record: lea rcx, [rip+record]; lea rdx, [rip+routine]; mov r8d, 2; lea r9, [rip+component];
        // call [rip+slot]; test al, al — and after the code the records, 0x30 bytes each (KBUGCHECK_REASON_CALLBACK_RECORD).
        const uint lookup = 0x40, slot = 0x50, hintName = 0x60, module = 0x90, component = 0xA0, routine = 0xB0, code = 0xC0, callSize = 35;
        var records = (code + (Count * callSize) + 0x10) & ~0xFu;
        var text = new byte[records + (Count * 0x30)];
        Write32(text, 0, Text + lookup); // OriginalFirstThunk
        Write32(text, 12, Text + module); // Name
        Write32(text, 16, Text + slot); // FirstThunk
        BinaryPrimitives.WriteUInt64LittleEndian(text.AsSpan((int)lookup), Text + hintName);
        BinaryPrimitives.WriteUInt64LittleEndian(text.AsSpan((int)slot), Text + hintName);
        Encoding.ASCII.GetBytes("KeRegisterBugCheckReasonCallback").CopyTo(text, hintName + 2);
        Encoding.ASCII.GetBytes("ntoskrnl.exe").CopyTo(text, module);
        Encoding.ASCII.GetBytes("big").CopyTo(text, component);
        text[routine] = 0xC3;
        text.AsSpan((int)routine + 1, (int)(code - routine - 1)).Fill(0xCC); // int3 padding, as a linker lays it
        for (var i = 0u; i < Count; i++)
        {
            var at = code + (i * callSize);
            Lea(text, at, 0x0D, records + (i * 0x30)); // lea rcx
            Lea(text, at + 7, 0x15, routine); // lea rdx
            text[at + 14] = 0x41; // mov r8d, 2 (KbCallbackSecondaryDumpData)
            text[at + 15] = 0xB8;
            Write32(text, at + 16, (uint)BugCheckCallbackReason.SecondaryDumpData);
            Lea(text, at + 20, 0x0D, component, rex: 0x4C); // lea r9
            text[at + 27] = 0xFF; // call [rip+slot]
            text[at + 28] = 0x15;
            Write32(text, at + 29, unchecked(slot - (at + 33)));
            text[at + 33] = 0x84; // test al, al
            text[at + 34] = 0xC0;
        }

        text[code + (Count * callSize)] = 0xC3;
        var image = DriverImage.Read(DriverImageTests.ImageWithText(text, (DriverImageTests.ImportDirectory, Text, 40)));

        var inspection = DriverInspection.Inspect(image);

        inspection.Calls.Should().HaveCount(Count);
        inspection.Calls.Select(c => c.RecordRva).Should().Equal(Enumerable.Range(0, Count).Select(i => (uint?)(Text + records + ((uint)i * 0x30))));
        inspection.Calls.Should().OnlyContain(c => c.Reason == BugCheckCallbackReason.SecondaryDumpData && c.CallbackRva == Text + routine && c.Component == "big" && c.ResultUsed == true);
        inspection.Findings.Should().HaveCount(Count).And.OnlyContain(f => f.Kind == InspectionFindingKind.NeverDeregistered, "no call deregisters a record");
        inspection.Reached.Should().BeEmpty();
        inspection.IsWalkTruncated.Should().BeFalse();
    }

    [Theory]
    [InlineData(new byte[] { 0xE8, 1, 0, 0, 0, 0xC3 })] // function i: call function i+1 (past this one's ret); ret
    [InlineData(new byte[] { 0x75, 0 })] // jne +0: a conditional branch to the next instruction, which starts a block
    public void A_walk_follows_100000_functions_in_a_chain_or_blocks_in_a_row_to_the_call_at_their_end(byte[] step)
    {
        // step ×100,000, then call [rip+0] (a slot that is no import: unresolved); ret.
        var end = Count * step.Length;
        var text = new byte[end + 7];
        for (var i = 0; i < Count; i++)
        {
            step.CopyTo(text, i * step.Length);
        }

        (text[end], text[end + 1], text[end + 6]) = (0xFF, 0x15, 0xC3);

        var (imports, unresolved, truncated) = Walk(text);

        unresolved.Should().Equal(Text + (uint)end);
        imports.Should().BeEmpty();
        truncated.Should().BeFalse();
    }

    [Fact]
    public void A_call_path_lists_its_functions_from_the_callback_and_refuses_an_index_past_its_end()
    {
        var path = new CallPath(0x3000, new CallPath(0x2000, new CallPath(0x1000, null)));

        path.Should().Equal(0x1000u, 0x2000u, 0x3000u);
        path.Count.Should().Be(3);
        (path[0], path[2]).Should().Be((0x1000u, 0x3000u));
        ((Action)(() => _ = path[3])).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
        ((Action)(() => _ = path[-1])).Should().Throw<ArgumentOutOfRangeException>().WithParameterName("index");
    }

    [Fact]
    public void A_code_address_set_holds_addresses_in_the_code_and_outside_it_once_each()
    {
        var set = new CodeAddressSet(ImageBase, [new ImageSection(".text", Text, 0x200, 0x200, 0x200, System.Reflection.PortableExecutable.SectionCharacteristics.ContainsCode)]);
        ulong[] addresses = [ImageBase + Text, ImageBase + Text + 0x1FF, ImageBase + Text + 0x40, ImageBase + Text + 0x200, ImageBase, 0];

        addresses.Select(set.Add).Should().OnlyContain(added => added);
        addresses.Select(set.Add).Should().OnlyContain(added => !added, "each is in the set already");
        addresses.Should().OnlyContain(a => set.Contains(a));
        set.Contains(ImageBase + Text + 1).Should().BeFalse();
        set.Contains(ImageBase + Text + 0x201).Should().BeFalse();
    }

    private static (List<ReachedImport> Imports, List<uint> Unresolved, bool Truncated) Walk(byte[] text)
    {
        var image = DriverImage.Read(DriverImageTests.ImageWithText(text));
        return CallReachability.From(image, new ImageCode(image), Text);
    }

    /// <summary>lea reg, [rip+target]: REX.W, 8D, ModRM (<paramref name="modRm"/>: the register, RIP-relative), rel32.</summary>
    private static void Lea(byte[] text, uint at, byte modRm, uint target, byte rex = 0x48)
    {
        (text[at], text[at + 1], text[at + 2]) = (rex, 0x8D, modRm);
        Write32(text, at + 3, unchecked(target - (at + 7)));
    }

    private static void Write32(byte[] text, uint at, uint value) => BinaryPrimitives.WriteUInt32LittleEndian(text.AsSpan((int)at), value);
}
