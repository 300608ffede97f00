using System.Globalization;
using System.Runtime.InteropServices;
using BugCheckCallbacks.Interop;
using BugCheckCallbacks.Native;

namespace BugCheckCallbacks.Tests.Native;

/// <summary>
/// include/bugcheck_callbacks.h against the C# mirrors: a C program compiled with the machine's compiler prints every
/// size and offset as C lays it out, and each must equal what .NET lays out (the header's static asserts hold the C side
/// to the x64 numbers; NativeLayoutTests hold the C# side).
/// </summary>
public sealed class HeaderLayoutTests
{
    private static readonly (string C, Type Managed, string[] Fields)[] s_structures =
    [
        ("LIST_ENTRY", typeof(LIST_ENTRY), ["Flink", "Blink"]),
        ("KBUGCHECK_REASON_CALLBACK_RECORD", typeof(KBUGCHECK_REASON_CALLBACK_RECORD), ["Entry", "CallbackRoutine", "Component", "Checksum", "Reason", "State"]),
        ("KBUGCHECK_CALLBACK_RECORD", typeof(KBUGCHECK_CALLBACK_RECORD), ["Entry", "CallbackRoutine", "Buffer", "Length", "Component", "Checksum", "State"]),
        ("KBUGCHECK_SECONDARY_DUMP_DATA", typeof(KBUGCHECK_SECONDARY_DUMP_DATA), ["InBuffer", "InBufferLength", "MaximumAllowed", "Guid", "OutBuffer", "OutBufferLength"]),
        ("KBUGCHECK_SECONDARY_DUMP_DATA_EX", typeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX), ["InBuffer", "InBufferLength", "MaximumAllowed", "Guid", "OutBuffer", "OutBufferLength", "Context", "Flags", "DumpType", "BugCheckCode", "BugCheckParameter1", "BugCheckParameter2", "BugCheckParameter3", "BugCheckParameter4"]),
        ("KBUGCHECK_DUMP_IO", typeof(KBUGCHECK_DUMP_IO), ["Offset", "Buffer", "BufferLength", "Type"]),
        ("KBUGCHECK_ADD_PAGES", typeof(KBUGCHECK_ADD_PAGES), ["Context", "Flags", "BugCheckCode", "Address", "Count"]),
        ("KBUGCHECK_REMOVE_PAGES", typeof(KBUGCHECK_REMOVE_PAGES), ["Context", "Flags", "BugCheckCode", "Address", "Count"]),
        ("KBUGCHECK_TRIAGE_DUMP_DATA", typeof(KBUGCHECK_TRIAGE_DUMP_DATA), ["DataArray", "Flags", "MaxVirtMemSize", "BugCheckCode", "BugCheckParameter1", "BugCheckParameter2", "BugCheckParameter3", "BugCheckParameter4"]),
        ("KADDRESS_RANGE", typeof(KADDRESS_RANGE), ["Address", "Size"]),
        ("KTRIAGE_DUMP_DATA_ARRAY", typeof(KTRIAGE_DUMP_DATA_ARRAY), ["List", "NumBlocksUsed", "NumBlocksTotal", "DataSize", "MaxDataSize", "ComponentNameBufferLength", "ComponentName", "Blocks"]),
        ("BCC_KERNEL_ROUTINES", typeof(BccKernelRoutines), ["Size", "Version", "KeRegisterBugCheckReasonCallback", "KeDeregisterBugCheckReasonCallback", "KeRegisterBugCheckCallback", "KeDeregisterBugCheckCallback", "KeInitializeTriageDumpDataArray", "KeAddTriageDumpDataBlock", "KeGetCurrentIrql", "KeBugCheckEx", "ExAllocatePool2", "ExAllocatePoolWithTag", "ExFreePoolWithTag"]),
        ("BCC_DRIVER_GLUE", typeof(BccDriverGlue), ["Size", "Version", "Kernel", "InvokeDriverEntry", "InvokeReasonRoutine", "InvokeClassicRoutine", "BugCheckTarget"]),
        ("DRIVER_OBJECT", typeof(DriverObject), ["Type", "Size", "DriverStart", "DriverSize", "DriverName", "DriverInit", "DriverUnload"]),
        ("UNICODE_STRING", typeof(NativeUnicodeString), ["Length", "MaximumLength", "Buffer"]),
    ];

    private static readonly Lazy<Dictionary<string, long>> s_layout = new(CompileAndRun);

    public static TheoryData<string> Structures() => [.. s_structures.Select(s => s.C)];

    [NativeTheory]
    [MemberData(nameof(Structures))]
    public void The_header_and_the_CSharp_mirror_lay_out_the_structure_alike(string name)
    {
        var (_, managed, fields) = s_structures.Single(s => s.C == name);
        var layout = s_layout.Value;

        layout[name].Should().Be(Marshal.SizeOf(managed), $"sizeof({name})");
        foreach (var field in fields)
        {
            layout[$"{name}.{field}"].Should().Be((long)Marshal.OffsetOf(managed, field), $"offsetof({name}, {field})");
        }
    }

    [NativeFact]
    public void The_header_compiles_as_C_with_every_warning_and_as_Cpp()
    {
        var source = Path.Combine(SampleDrivers.Folder, "header_only.c");
        File.WriteAllText(source, "#include <bugcheck_callbacks.h>\nNTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p) { UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p); return STATUS_SUCCESS; }\n");

        var c = () => NativeCompiler.Library(source, SampleDrivers.Folder, "header_only");

        c.Should().NotThrow();
        if (!OperatingSystem.IsWindows())
        {
            var cpp = Path.Combine(SampleDrivers.Folder, "header_only.cpp");
            File.Copy(source, cpp, overwrite: true);
            var compile = () => NativeCompiler.CompileOnly(cpp, "-x", "c++", "-std=c++17", "-Wall", "-Wextra", "-Werror");
            compile.Should().NotThrow();
        }
    }

    private static Dictionary<string, long> CompileAndRun()
    {
        var program = new System.Text.StringBuilder("#include <stdio.h>\n#include <bugcheck_callbacks.h>\nint main(void)\n{\n");
        foreach (var (name, _, fields) in s_structures)
        {
            program.Append(CultureInfo.InvariantCulture, $"    printf(\"{name} %zu\\n\", sizeof({name}));\n");
            foreach (var field in fields)
            {
                program.Append(CultureInfo.InvariantCulture, $"    printf(\"{name}.{field} %zu\\n\", offsetof({name}, {field}));\n");
            }
        }

        program.Append("    return 0;\n}\n");
        var source = Path.Combine(SampleDrivers.Folder, "layout.c");
        File.WriteAllText(source, program.ToString());
        var output = NativeCompiler.RunProgram(NativeCompiler.Program(source, SampleDrivers.Folder, "layout"));
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Trim().Split(' '))
            .ToDictionary(parts => parts[0], parts => long.Parse(parts[1], CultureInfo.InvariantCulture));
    }
}
