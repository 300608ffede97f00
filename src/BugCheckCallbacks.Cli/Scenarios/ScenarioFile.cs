using System.Text.Json.Serialization;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>The JSON scenario format of <c>bugcheck simulate --scenario</c> (docs/cli.md).</summary>
internal sealed class ScenarioFile
{
    private List<ScenarioCallback>? _callbacks;

    public string? Description { get; init; }

    [JsonConverter(typeof(DumpTypeConverter))]
    public DumpType? DumpType { get; init; }

    [JsonConverter(typeof(OrderConverter))]
    public CallbackOrder? Order { get; init; }

    public ScenarioBugCheck? BugCheck { get; init; }

    [JsonConverter(typeof(UInt32NumberConverter))]
    public uint? SecondaryDataBudget { get; init; }

    [JsonConverter(typeof(UInt32NumberConverter))]
    public uint? MultiPartReservation { get; init; }

    [JsonConverter(typeof(UInt32NumberConverter))]
    public uint? CallTimeBudgetMs { get; init; }

    /// <summary>Memory regions added to the default memory map: drivers' buffers (virtual) or more physical memory.</summary>
    public List<ScenarioMemory>? Memory { get; init; }

    /// <remarks>Optional when the scenario names a driver: an absent list is empty.</remarks>
    public List<ScenarioCallback> Callbacks { get => _callbacks ?? []; init => _callbacks = value; }

    /// <summary>A native driver library to load beside the callbacks (docs/native.md), relative to the scenario file.</summary>
    public string? Driver { get; init; }

    /// <summary>The driver's full path, resolved against the scenario file's folder when it was loaded.</summary>
    [JsonIgnore]
    internal string? DriverPath { get; set; }

    /// <summary>Where the scenario came from (its path, or the built-in one): what errors found after parsing name.</summary>
    [JsonIgnore]
    internal string Source { get; set; } = "(built-in scenario)";

    /// <summary>Gets whether the document had a <c>callbacks</c> array.</summary>
    internal bool HasCallbacks => _callbacks is not null;
}

/// <summary>The bug check a scenario raises unless the command line says otherwise.</summary>
internal sealed class ScenarioBugCheck
{
    [JsonConverter(typeof(UInt32NumberConverter))]
    public uint Code { get; init; }

    [JsonConverter(typeof(UInt64ListConverter))]
    public List<ulong>? Parameters { get; init; }
}

/// <summary>What a scripted callback does.</summary>
internal enum ScenarioFault
{
    /// <summary>Behave correctly.</summary>
    None,

    /// <summary>Throw an exception on the first call.</summary>
    Throw,

    /// <summary>Allocate managed memory on every call.</summary>
    Allocate,

    /// <summary>Sleep past the time budget on the first call.</summary>
    Slow,

    /// <summary>Return more secondary data than MaximumAllowed.</summary>
    Oversize,

    /// <summary>Return secondary data without a GUID.</summary>
    NoGuid,

    /// <summary>Bug-check from inside the callback.</summary>
    NestedBugCheck,

    /// <summary>Ask to be called again forever.</summary>
    NeverEnd,
}

/// <summary>One scripted callback.</summary>
internal sealed class ScenarioCallback
{
    /// <summary>The reason name (BugCheckCallbackReason), or "Classic" for KeRegisterBugCheckCallback.</summary>
    public required string Reason { get; init; }

    public required string Component { get; init; }

    public Guid? Guid { get; init; }

    /// <summary>Bytes of secondary data per call (or the classic buffer's size).</summary>
    [JsonConverter(typeof(CountNumberConverter))]
    public int? Size { get; init; }

    /// <summary>Calls of a multi-part callback.</summary>
    [JsonConverter(typeof(CountNumberConverter))]
    public int? Parts { get; init; }

    [JsonConverter(typeof(FaultConverter))]
    public ScenarioFault Fault { get; init; }

    /// <summary>For a DumpIo callback: deregister itself on its Nth call.</summary>
    [JsonConverter(typeof(CountNumberConverter))]
    public int? DeregisterOnCall { get; init; }

    public List<ScenarioRange>? Ranges { get; init; }

    public List<ScenarioBlock>? Blocks { get; init; }

    /// <summary>How the record's copy in the dump's memory is corrupted on purpose (a fixture for callback-list walkers), or null.</summary>
    [JsonConverter(typeof(TamperingConverter))]
    public RecordTamperingKind? Tamper { get; init; }

    /// <summary>Violation codes this callback is expected to commit (BCV0001…); they do not fail the run.</summary>
    public List<string>? Expect { get; init; }
}

/// <summary>An AddPages/RemovePages range.</summary>
internal sealed class ScenarioRange
{
    [JsonConverter(typeof(AddressSpaceConverter))]
    public AddressSpace Space { get; init; } = AddressSpace.Physical;

    [JsonConverter(typeof(UInt64NumberConverter))]
    public ulong Address { get; init; }

    [JsonConverter(typeof(UInt64NumberConverter))]
    public ulong Pages { get; init; }
}

/// <summary>A region of simulated memory a scenario declares, with its first bytes.</summary>
internal sealed class ScenarioMemory
{
    [JsonConverter(typeof(AddressSpaceConverter))]
    public AddressSpace Space { get; init; } = AddressSpace.Virtual;

    [JsonConverter(typeof(UInt64NumberConverter))]
    public ulong Address { get; init; }

    [JsonConverter(typeof(UInt64NumberConverter))]
    public ulong Size { get; init; }

    /// <summary>ASCII text at the start of the region; the rest holds the address pattern.</summary>
    public string? Text { get; init; }
}

/// <summary>A triage block.</summary>
internal sealed class ScenarioBlock
{
    [JsonConverter(typeof(UInt64NumberConverter))]
    public ulong Address { get; init; }

    [JsonConverter(typeof(UInt64NumberConverter))]
    public ulong Size { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    AllowDuplicateProperties = false, // a key given twice is an error, not "the last wins" (a dropped list of callbacks)
    RespectNullableAnnotations = true)]
[JsonSerializable(typeof(ScenarioFile))]
internal sealed partial class ScenarioJsonContext : JsonSerializerContext;
