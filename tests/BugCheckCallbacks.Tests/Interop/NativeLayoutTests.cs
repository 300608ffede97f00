using System.Runtime.InteropServices;
using BugCheckCallbacks.Interop;

namespace BugCheckCallbacks.Tests.Interop;

/// <summary>Every structure's x64 size and every field's offset, as wdm.h lays them out.</summary>
public sealed class NativeLayoutTests
{
    public static TheoryData<Type, int> Sizes() => new()
    {
        { typeof(LIST_ENTRY), 0x10 },
        { typeof(KBUGCHECK_REASON_CALLBACK_RECORD), 0x30 },
        { typeof(KBUGCHECK_CALLBACK_RECORD), 0x40 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA), 0x30 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), 0x68 },
        { typeof(KBUGCHECK_DUMP_IO), 0x18 },
        { typeof(KBUGCHECK_ADD_PAGES), 0x20 },
        { typeof(KBUGCHECK_REMOVE_PAGES), 0x20 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), 0x38 },
        { typeof(KADDRESS_RANGE), 0x10 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), 0x40 },
    };

    public static TheoryData<Type, string, int> Offsets() => new()
    {
        { typeof(LIST_ENTRY), "Flink", 0x0 }, { typeof(LIST_ENTRY), "Blink", 0x8 },
        { typeof(KBUGCHECK_REASON_CALLBACK_RECORD), "Entry", 0x0 },
        { typeof(KBUGCHECK_REASON_CALLBACK_RECORD), "CallbackRoutine", 0x10 },
        { typeof(KBUGCHECK_REASON_CALLBACK_RECORD), "Component", 0x18 },
        { typeof(KBUGCHECK_REASON_CALLBACK_RECORD), "Checksum", 0x20 },
        { typeof(KBUGCHECK_REASON_CALLBACK_RECORD), "Reason", 0x28 },
        { typeof(KBUGCHECK_REASON_CALLBACK_RECORD), "State", 0x2C },
        { typeof(KBUGCHECK_CALLBACK_RECORD), "Entry", 0x0 },
        { typeof(KBUGCHECK_CALLBACK_RECORD), "CallbackRoutine", 0x10 },
        { typeof(KBUGCHECK_CALLBACK_RECORD), "Buffer", 0x18 },
        { typeof(KBUGCHECK_CALLBACK_RECORD), "Length", 0x20 },
        { typeof(KBUGCHECK_CALLBACK_RECORD), "Component", 0x28 },
        { typeof(KBUGCHECK_CALLBACK_RECORD), "Checksum", 0x30 },
        { typeof(KBUGCHECK_CALLBACK_RECORD), "State", 0x38 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA), "InBuffer", 0x0 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA), "InBufferLength", 0x8 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA), "MaximumAllowed", 0xC },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA), "Guid", 0x10 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA), "OutBuffer", 0x20 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA), "OutBufferLength", 0x28 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "InBuffer", 0x0 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "InBufferLength", 0x8 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "MaximumAllowed", 0xC },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "Guid", 0x10 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "OutBuffer", 0x20 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "OutBufferLength", 0x28 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "Context", 0x30 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "Flags", 0x38 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "DumpType", 0x3C },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "BugCheckCode", 0x40 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "BugCheckParameter1", 0x48 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "BugCheckParameter2", 0x50 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "BugCheckParameter3", 0x58 },
        { typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), "BugCheckParameter4", 0x60 },
        { typeof(KBUGCHECK_DUMP_IO), "Offset", 0x0 },
        { typeof(KBUGCHECK_DUMP_IO), "Buffer", 0x8 },
        { typeof(KBUGCHECK_DUMP_IO), "BufferLength", 0x10 },
        { typeof(KBUGCHECK_DUMP_IO), "Type", 0x14 },
        { typeof(KBUGCHECK_ADD_PAGES), "Context", 0x0 },
        { typeof(KBUGCHECK_ADD_PAGES), "Flags", 0x8 },
        { typeof(KBUGCHECK_ADD_PAGES), "BugCheckCode", 0xC },
        { typeof(KBUGCHECK_ADD_PAGES), "Address", 0x10 },
        { typeof(KBUGCHECK_ADD_PAGES), "Count", 0x18 },
        { typeof(KBUGCHECK_REMOVE_PAGES), "Context", 0x0 },
        { typeof(KBUGCHECK_REMOVE_PAGES), "Flags", 0x8 },
        { typeof(KBUGCHECK_REMOVE_PAGES), "BugCheckCode", 0xC },
        { typeof(KBUGCHECK_REMOVE_PAGES), "Address", 0x10 },
        { typeof(KBUGCHECK_REMOVE_PAGES), "Count", 0x18 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "DataArray", 0x0 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "Flags", 0x8 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "MaxVirtMemSize", 0xC },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "BugCheckCode", 0x10 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "BugCheckParameter1", 0x18 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "BugCheckParameter2", 0x20 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "BugCheckParameter3", 0x28 },
        { typeof(KBUGCHECK_TRIAGE_DUMP_DATA), "BugCheckParameter4", 0x30 },
        { typeof(KADDRESS_RANGE), "Address", 0x0 },
        { typeof(KADDRESS_RANGE), "Size", 0x8 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "List", 0x0 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "NumBlocksUsed", 0x10 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "NumBlocksTotal", 0x14 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "DataSize", 0x18 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "MaxDataSize", 0x1C },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "ComponentNameBufferLength", 0x20 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "ComponentName", 0x28 },
        { typeof(KTRIAGE_DUMP_DATA_ARRAY), "Blocks", 0x30 },
    };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Structure_has_the_x64_size(Type type, int size)
    {
        Environment.Is64BitProcess.Should().BeTrue("the layouts asserted here are the x64 ones");
        Marshal.SizeOf(type).Should().Be(size);
    }

    [Theory]
    [MemberData(nameof(Offsets))]
    public void Field_has_the_x64_offset(Type type, string field, int offset)
    {
        Environment.Is64BitProcess.Should().BeTrue("the layouts asserted here are the x64 ones");
        Marshal.OffsetOf(type, field).ToInt32().Should().Be(offset);
    }

    [Fact]
    public void Every_field_of_every_structure_has_an_asserted_offset()
    {
        var asserted = Offsets().Select(row => ((Type)row[0], (string)row[1])).ToHashSet();
        foreach (var type in Sizes().Select(row => (Type)row[0]))
        {
            foreach (var field in type.GetFields())
            {
                asserted.Should().Contain((type, field.Name), $"{type.Name}.{field.Name} needs an offset assertion");
            }
        }
    }

    [Fact]
    public void Managed_data_reports_the_native_length()
    {
        new SecondaryDumpData(16).Length.Should().Be((uint)Marshal.SizeOf<KBUGCHECK_SECONDARY_DUMP_DATA>());
        new SecondaryDumpDataEx(16).Length.Should().Be((uint)Marshal.SizeOf<KBUGCHECK_SECONDARY_DUMP_DATA_EX>());
        new DumpIoData().Length.Should().Be((uint)Marshal.SizeOf<KBUGCHECK_DUMP_IO>());
        new AddPagesData().Length.Should().Be((uint)Marshal.SizeOf<KBUGCHECK_ADD_PAGES>());
        new RemovePagesData().Length.Should().Be((uint)Marshal.SizeOf<KBUGCHECK_REMOVE_PAGES>());
        new TriageDumpData().Length.Should().Be((uint)Marshal.SizeOf<KBUGCHECK_TRIAGE_DUMP_DATA>());
        TriageDumpDataArray.HeaderSize.Should().Be((uint)Marshal.OffsetOf<KTRIAGE_DUMP_DATA_ARRAY>("Blocks"));
        TriageDumpDataArray.BlockSize.Should().Be((uint)Marshal.SizeOf<KADDRESS_RANGE>());
    }
}
