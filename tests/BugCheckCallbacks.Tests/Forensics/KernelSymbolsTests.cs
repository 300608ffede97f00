using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BugCheckCallbacks.Cli.Output;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Simulation;
using BugCheckCallbacks.Tests.Cli;
using FluentAssertions;
using Xunit;

namespace BugCheckCallbacks.Tests.Forensics;

public sealed class KernelSymbolsTests
{
    [Fact]
    public void The_symbol_file_is_an_ISF_for_ntkrnlmp_pdb_whose_GUID_the_dumps_kernel_image_names()
    {
        using var json = JsonDocument.Parse(KernelSymbols.ToJson());
        var pdb = json.RootElement.GetProperty("metadata").GetProperty("windows").GetProperty("pdb");
        json.RootElement.GetProperty("metadata").GetProperty("format").GetString().Should().Be("6.2.0");
        (pdb.GetProperty("database").GetString(), pdb.GetProperty("age").GetUInt32(), pdb.GetProperty("machine_type").GetInt32()).Should().Be(("ntkrnlmp.pdb", 1u, 0x8664));
        pdb.GetProperty("GUID").GetString().Should().Be(KernelSymbols.PdbGuid.ToString("N").ToUpperInvariant());
        KernelSymbols.RelativePath.Should().Be(Path.Combine("windows", "ntkrnlmp.pdb", $"{KernelSymbols.PdbGuid.ToString("N").ToUpperInvariant()}-1.json"));

        var (outcome, dump) = KernelWalkerTests.Crash(DumpType.Automatic);
        using var _ = dump;
        var header = new byte[0x1000];
        dump.ReadVirtual(outcome.Kernel!.Modules[0].Base, header);
        new Guid(header.AsSpan(PeImageHeader.CodeViewOffset + 4, 16)).Should().Be(KernelSymbols.PdbGuid, "the CodeView record names the symbol file's GUID");
    }

    [Fact]
    public void The_GUID_is_derived_from_the_layout_a_hash_of_the_file_with_the_GUID_left_blank()
    {
        var identity = KernelSymbols.PdbGuid.ToString("N").ToUpperInvariant();
        var blank = KernelSymbols.ToJson().Replace(identity, string.Empty, StringComparison.Ordinal);
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(blank)).AsSpan(0, 16)).Should().Be(KernelSymbols.PdbGuid);
    }

    [Theory]
    [InlineData("PsLoadedModuleList")]
    [InlineData("KdDebuggerDataBlock")]
    [InlineData("KeBugCheckCallbackListHead")]
    [InlineData("KeBugCheckReasonCallbackListHead")]
    [InlineData("KeBugCheckAddRemovePagesCallbackListHead")]
    public void Every_symbol_is_the_offset_from_the_kernel_base_of_the_structure_the_dump_holds_there(string symbol)
    {
        using var json = JsonDocument.Parse(KernelSymbols.ToJson());
        var offset = json.RootElement.GetProperty("symbols").GetProperty(symbol).GetProperty("address").GetUInt64();
        var (outcome, dump) = KernelWalkerTests.Crash(DumpType.Automatic);
        dump.Dispose();
        var kernel = outcome.Kernel!;
        var expected = symbol switch
        {
            "PsLoadedModuleList" => kernel.PsLoadedModuleList,
            "KdDebuggerDataBlock" => kernel.KdDebuggerDataBlock,
            "KeBugCheckCallbackListHead" => kernel.KeBugCheckCallbackListHead,
            "KeBugCheckReasonCallbackListHead" => kernel.KeBugCheckReasonCallbackListHead,
            _ => kernel.KeBugCheckAddRemovePagesCallbackListHead,
        };
        (kernel.Modules[0].Base + offset).Should().Be(expected);
    }

    [Fact]
    public void The_record_types_have_the_wdm_h_offsets()
    {
        using var json = JsonDocument.Parse(KernelSymbols.ToJson());
        var types = json.RootElement.GetProperty("user_types");
        int Offset(string type, string field) => types.GetProperty(type).GetProperty("fields").GetProperty(field).GetProperty("offset").GetInt32();
        (Offset("_KBUGCHECK_REASON_CALLBACK_RECORD", "Component"), Offset("_KBUGCHECK_REASON_CALLBACK_RECORD", "Reason"), Offset("_KBUGCHECK_REASON_CALLBACK_RECORD", "State")).Should().Be((0x18, 0x28, 0x2C));
        (Offset("_KBUGCHECK_CALLBACK_RECORD", "Component"), Offset("_KBUGCHECK_CALLBACK_RECORD", "Checksum")).Should().Be((0x28, 0x30));
        (Offset("_KLDR_DATA_TABLE_ENTRY", "DllBase"), Offset("_KLDR_DATA_TABLE_ENTRY", "BaseDllName")).Should().Be((0x30, 0x58));
        types.GetProperty("_EPROCESS").GetProperty("size").GetInt32().Should().Be(0, "a stub Volatility's kernel table insists on");
    }

    [Fact]
    public void Write_puts_the_file_under_the_folder_and_refuses_an_empty_path()
    {
        var folder = Directory.CreateTempSubdirectory("bugcheck-isf-").FullName;
        try
        {
            var path = KernelSymbols.Write(folder);
            path.Should().Be(Path.Combine(folder, KernelSymbols.RelativePath));
            File.ReadAllText(path).Should().Be(KernelSymbols.ToJson());
            Directory.GetFiles(Path.GetDirectoryName(path)!).Should().ContainSingle("no temporary file is left behind");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }

        var act = () => KernelSymbols.Write(string.Empty);
        act.Should().Throw<ArgumentException>().WithParameterName("symbolDirectory");
        var none = () => KernelSymbols.Write(null!);
        none.Should().Throw<ArgumentNullException>().WithParameterName("symbolDirectory");
    }

    [Fact]
    public void Simulate_writes_the_symbols_beside_a_kernel_dump_and_refuses_a_file_in_their_place()
    {
        var folder = Directory.CreateTempSubdirectory("bugcheck-isf-cli-").FullName;
        try
        {
            var dump = Path.Combine(folder, "crash.dmp");
            var result = CliRunner.Run("simulate", "--out", dump);
            result.Exit.Should().Be(0, result.Error);
            result.Out.Should().Contain($"Volatility 3 symbols written to {Path.Combine(folder, "crash.symbols")}");
            File.Exists(Path.Combine(folder, "crash.symbols", KernelSymbols.RelativePath)).Should().BeTrue();

            var header = Path.Combine(folder, "header.dmp");
            CliRunner.Run("simulate", "--dump-type", "Header", "--out", header, "--quiet").Exit.Should().Be(0);
            Directory.Exists(Path.Combine(folder, "header.symbols")).Should().BeFalse("a header-only dump holds no kernel memory");

            var blocked = Path.Combine(folder, "blocked.dmp");
            File.WriteAllText(Path.Combine(folder, "blocked.symbols"), "not a folder");
            var refused = CliRunner.Run("simulate", "--out", blocked);
            refused.Exit.Should().Be(2);
            refused.Error.Should().Contain("blocked.symbols\" is a file; it must be a folder");
            File.Exists(blocked).Should().BeFalse("the folder is checked before anything is written");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
