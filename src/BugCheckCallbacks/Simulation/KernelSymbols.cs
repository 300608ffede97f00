using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using static BugCheckCallbacks.Dump.KernelStructures;

namespace BugCheckCallbacks.Simulation;

/// <summary>
/// The symbol file of the simulated kernel, for Volatility 3: an ISF (Intermediate Symbol Format 6.2.0) for
/// <c>ntkrnlmp.pdb</c>, generated from the layout constants the simulation itself uses, so that
/// <c>vol -s DIR -f crash.dmp windows.modules</c> and <c>windows.callbacks</c> run on a simulated dump (docs/forensics.md).
/// </summary>
/// <remarks>
/// The PDB GUID is derived from the file's content (a hash of the ISF with the GUID left blank): a different layout never
/// shares a GUID, and the kernel image's CodeView record in every dump names this GUID. Volatility finds the file by
/// that identity, anywhere under the symbol folder; <see cref="RelativePath"/> is the conventional place.
/// </remarks>
public static class KernelSymbols
{
    /// <summary>The PDB the simulated kernel image names (<c>ntkrnlmp.pdb</c>, the multiprocessor kernel's).</summary>
    public const string PdbName = "ntkrnlmp.pdb";

    /// <summary>The PDB age the kernel image's CodeView record gives.</summary>
    public const uint PdbAge = 1;

    private const int MachineAmd64 = 0x8664;
    private static readonly Lazy<(Guid Guid, string Json)> s_file = new(Generate);

    /// <summary>Gets the PDB GUID: derived from the layout, written in every simulated dump's kernel image.</summary>
    public static Guid PdbGuid => s_file.Value.Guid;

    /// <summary>Gets where Volatility 3 keeps the file under a symbol folder: <c>windows/ntkrnlmp.pdb/GUID-AGE.json</c>.</summary>
    public static string RelativePath => Path.Combine("windows", PdbName, $"{Identity(PdbGuid)}-{PdbAge}.json");

    /// <summary>Gets the ISF document as JSON.</summary>
    /// <returns>The JSON text.</returns>
    public static string ToJson() => s_file.Value.Json;

    /// <summary>Writes the ISF under <paramref name="symbolDirectory"/> at <see cref="RelativePath"/>, ready for <c>vol -s</c>.</summary>
    /// <param name="symbolDirectory">The symbol folder; created when missing.</param>
    /// <returns>The path of the file written.</returns>
    /// <exception cref="ArgumentException"><paramref name="symbolDirectory"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="symbolDirectory"/> is null.</exception>
    /// <exception cref="IOException">The file cannot be written.</exception>
    public static string Write(string symbolDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(symbolDirectory);
        var path = Path.Combine(symbolDirectory, RelativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = path + $".{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, ToJson());
        File.Move(temporary, path, overwrite: true); // complete or not there: never a half-written file
        return path;
    }

    /// <summary>The GUID as Volatility spells it from the CodeView record: 32 upper-case hex digits, the first three fields little-endian.</summary>
    internal static string Identity(Guid guid) => guid.ToString("N").ToUpperInvariant();

    private static (Guid, string) Generate()
    {
        var blank = Serialize(Document(string.Empty));
        var guid = new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(blank)).AsSpan(0, 16));
        return (guid, Serialize(Document(Identity(guid))));
    }

    private static string Serialize(IsfDocument document) => JsonSerializer.Serialize(document, IsfJsonContext.Default.IsfDocument);

    private static IsfDocument Document(string guid)
    {
        return new IsfDocument(
            new IsfMetadata("6.2.0", new IsfProducer("BugCheckCallbacks", "1"), new IsfWindows(new IsfPdb(guid, PdbAge, PdbName, MachineAmd64))),
            BaseTypes(),
            UserTypes(),
            new SortedDictionary<string, IsfEnum>(StringComparer.Ordinal)
            {
                ["_NT_PRODUCT_TYPE"] = new(4, "long", new SortedDictionary<string, long>(StringComparer.Ordinal) { ["NtProductWinNt"] = 1, ["NtProductLanManNt"] = 2, ["NtProductServer"] = 3 }),
            },
            Symbols());
    }

    /// <summary>The structures the dump's kernel holds, with their x64 offsets, and the stubs Volatility needs to load the table.</summary>
    private static SortedDictionary<string, IsfUserType> UserTypes()
    {
        var types = new SortedDictionary<string, IsfUserType>(StringComparer.Ordinal)
        {
            ["_LIST_ENTRY"] = Struct(ListEntrySize, ("Flink", 0, Pointer(Named("_LIST_ENTRY"))), ("Blink", 8, Pointer(Named("_LIST_ENTRY")))),
            ["_UNICODE_STRING"] = Struct(
                UnicodeString.Size,
                ("Length", UnicodeString.Length, Base("unsigned short")),
                ("MaximumLength", UnicodeString.MaximumLength, Base("unsigned short")),
                ("Buffer", UnicodeString.Buffer, Pointer(Base("unsigned short")))),
            ["_KLDR_DATA_TABLE_ENTRY"] = Struct(
                KldrEntry.Size,
                ("InLoadOrderLinks", KldrEntry.InLoadOrderLinks, Named("_LIST_ENTRY")),
                ("DllBase", KldrEntry.DllBase, Pointer(Base("void"))),
                ("EntryPoint", KldrEntry.EntryPoint, Pointer(Base("void"))),
                ("SizeOfImage", KldrEntry.SizeOfImage, Base("unsigned long")),
                ("FullDllName", KldrEntry.FullDllName, Named("_UNICODE_STRING")),
                ("BaseDllName", KldrEntry.BaseDllName, Named("_UNICODE_STRING")),
                ("Flags", KldrEntry.Flags, Base("unsigned long")),
                ("LoadCount", KldrEntry.LoadCount, Base("unsigned short"))),
            ["_KBUGCHECK_REASON_CALLBACK_RECORD"] = Struct(
                ReasonRecord.Size,
                ("Entry", ReasonRecord.Entry, Named("_LIST_ENTRY")),
                ("CallbackRoutine", ReasonRecord.CallbackRoutine, Pointer(Base("void"))),
                ("Component", ReasonRecord.Component, Pointer(Base("unsigned char"))),
                ("Checksum", ReasonRecord.Checksum, Base("unsigned long long")),
                ("Reason", ReasonRecord.Reason, Base("long")),
                ("State", ReasonRecord.State, Base("unsigned char"))),
            ["_KBUGCHECK_CALLBACK_RECORD"] = Struct(
                ClassicRecord.Size,
                ("Entry", ClassicRecord.Entry, Named("_LIST_ENTRY")),
                ("CallbackRoutine", ClassicRecord.CallbackRoutine, Pointer(Base("void"))),
                ("Buffer", ClassicRecord.Buffer, Pointer(Base("void"))),
                ("Length", ClassicRecord.Length, Base("unsigned long")),
                ("Component", ClassicRecord.Component, Pointer(Base("unsigned char"))),
                ("Checksum", ClassicRecord.Checksum, Base("unsigned long long")),
                ("State", ClassicRecord.State, Base("unsigned char"))),
        };

        foreach (var (name, type) in InfoTypes())
        {
            types[name] = type;
        }

        // Volatility's kernel symbol table refuses to load without these types; nothing in our dumps uses them.
        foreach (var stub in s_stubs)
        {
            types[stub] = Struct(0);
        }

        return types;
    }

    /// <summary>The structures windows.info and windows.callbacks read besides the lists: object types, the version block, the shared user page.</summary>
    private static SortedDictionary<string, IsfUserType> InfoTypes() => new(StringComparer.Ordinal)
    {
        // windows.callbacks maps object types through ObTypeIndexTable (zeroed memory here: no types).
        ["_OBJECT_TYPE"] = Struct(0x20, ("Name", 0x10, Named("_UNICODE_STRING"))),

        // windows.info: the version block, the shared user page (wdm.h KUSER_SHARED_DATA) and its time.
        ["_DBGKD_GET_VERSION64"] = Struct(
            0x28,
            ("MajorVersion", 0, Base("unsigned short")),
            ("MinorVersion", 2, Base("unsigned short")),
            ("ProtocolVersion", 4, Base("unsigned char")),
            ("KdSecondaryVersion", 5, Base("unsigned char")),
            ("Flags", 6, Base("unsigned short")),
            ("MachineType", 8, Base("unsigned short")),
            ("KernBase", 0x10, Base("unsigned long long")),
            ("PsLoadedModuleList", 0x18, Base("unsigned long long")),
            ("DebuggerDataList", 0x20, Base("unsigned long long"))),
        ["_KSYSTEM_TIME"] = Struct(0xC, ("LowPart", 0, Base("unsigned long")), ("High1Time", 4, Base("long")), ("High2Time", 8, Base("long"))),
        ["_KUSER_SHARED_DATA"] = Struct(
            0x1000,
            ("SystemTime", 0x14, Named("_KSYSTEM_TIME")),
            ("NtSystemRoot", 0x30, new IsfTypeReference("array", Subtype: Base("wchar"), Count: 260)),
            ("NtBuildNumber", 0x260, Base("unsigned long")),
            ("NtProductType", 0x264, new IsfTypeReference("enum", "_NT_PRODUCT_TYPE")),
            ("ProductTypeIsValid", 0x268, Base("unsigned char")),
            ("NativeProcessorArchitecture", 0x26A, Base("unsigned short")),
            ("NtMajorVersion", 0x26C, Base("unsigned long")),
            ("NtMinorVersion", 0x270, Base("unsigned long"))),
    };

    /// <summary>The kernel's variables, as offsets from KernBase into the image's data page, and KeBugCheckEx in its text.</summary>
    private static SortedDictionary<string, IsfSymbol> Symbols()
    {
        var data = X64Paging.PageSize; // the kernel image's data page: the variables' offsets from KernBase
        var symbols = new SortedDictionary<string, IsfSymbol>(StringComparer.Ordinal)
        {
            ["KdDebuggerDataBlock"] = new(data + KernelMemory.KdbgOffset),
            ["PsLoadedModuleList"] = new(data + KernelMemory.ModuleListOffset),
            ["PsActiveProcessHead"] = new(data + KernelMemory.ProcessListOffset),
            ["KeBugCheckCallbackListHead"] = new(data + KernelMemory.ClassicListOffset),
            ["KeBugCheckReasonCallbackListHead"] = new(data + KernelMemory.ReasonListOffset),
            ["KeBugCheckAddRemovePagesCallbackListHead"] = new(data + KernelMemory.PagesListOffset),
            ["KiBugCheckData"] = new(data + KernelMemory.BugCheckDataOffset),
            ["ObTypeIndexTable"] = new(data + KernelMemory.ObjectTypeTableOffset),
            ["KdVersionBlock"] = new(data + KernelMemory.VersionBlockOffset),
            ["KeNumberProcessors"] = new(data + KernelMemory.NumberProcessorsOffset),
            ["KeBugCheckEx"] = new(SimulatedAddresses.SectionOffsets(0, SimulatedAddresses.KernelImageName.Length).Text),
        };

        return symbols;
    }

    /// <summary>The base types the structures name.</summary>
    private static SortedDictionary<string, IsfBaseType> BaseTypes()
    {
        var baseTypes = new SortedDictionary<string, IsfBaseType>(StringComparer.Ordinal)
        {
            ["pointer"] = new("int", 8, false, "little"),
            ["void"] = new("void", 0, false, "little"),
            ["char"] = new("char", 1, true, "little"),
            ["unsigned char"] = new("char", 1, false, "little"),
            ["unsigned short"] = new("int", 2, false, "little"),
            ["wchar"] = new("char", 2, false, "little"),
            ["unsigned int"] = new("int", 4, false, "little"),
            ["long"] = new("int", 4, true, "little"),
            ["unsigned long"] = new("int", 4, false, "little"),
            ["unsigned long long"] = new("int", 8, false, "little"),
        };

        return baseTypes;
    }

    private static readonly string[] s_stubs =
    [
        "_ETHREAD", "_KTHREAD", "_EPROCESS", "_ERESOURCE", "_EX_FAST_REF", "_TOKEN", "_OBJECT_HEADER", "_FILE_OBJECT",
        "_DEVICE_OBJECT", "_CM_KEY_BODY", "_CMHIVE", "_CM_KEY_NODE", "_CM_KEY_VALUE", "_HMAP_ENTRY", "_MMVAD_SHORT", "_MMVAD",
        "_KMUTANT", "_DRIVER_OBJECT", "_OBJECT_SYMBOLIC_LINK", "_CONTROL_AREA", "_SHARED_CACHE_MAP", "_VACB",
        "_POOL_TRACKER_BIG_PAGES", "_IMAGE_DOS_HEADER", "_KTIMER",
    ];

    private static IsfUserType Struct(int size, params (string Name, int Offset, IsfTypeReference Type)[] fields) =>
        new("struct", size, new SortedDictionary<string, IsfField>(fields.ToDictionary(f => f.Name, f => new IsfField(f.Offset, f.Type)), StringComparer.Ordinal));

    private static IsfTypeReference Base(string name) => new("base", name);

    private static IsfTypeReference Named(string name) => new("struct", name);

    private static IsfTypeReference Pointer(IsfTypeReference subtype) => new("pointer", Subtype: subtype);
}
