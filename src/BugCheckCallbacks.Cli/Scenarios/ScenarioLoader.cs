using System.Text.Json;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>Reads and checks scenario files; every error names the file, and the line or JSON path that is wrong.</summary>
internal static class ScenarioLoader
{
    private const string DefaultResource = "BugCheckCallbacks.Cli.Scenarios.default-scenario.json";
    private const string SchemaResource = "BugCheckCallbacks.Cli.Scenarios.scenario.schema.json";

    /// <summary>The built-in scenario's JSON text.</summary>
    public static string DefaultScenarioJson => Resource(DefaultResource);

    /// <summary>The JSON Schema of the scenario format.</summary>
    public static string SchemaJson => Resource(SchemaResource);

    public static ScenarioFile LoadDefault() => Parse(DefaultScenarioJson, "(built-in scenario)");

    private static string Resource(string name)
    {
        using var stream = typeof(ScenarioLoader).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The embedded resource {name} is missing.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static ScenarioFile Load(string path, bool allowLarge = false)
    {
        if (path.Length == 0)
        {
            throw new ScenarioException("--scenario is an empty path; give a scenario file.");
        }

        if (Directory.Exists(path))
        {
            throw new ScenarioException($"--scenario \"{path}\" is a directory, not a scenario file.");
        }

        // A scenario's JSON costs several times its size to parse (a 100 MB string peaked at 745 MB): 16 MiB, which holds
        // 100,000 callbacks, unless --allow-large says the machine has the room.
        var maxScenarioBytes = allowLarge ? ScenarioLimits.MaxScenarioBytesAllowLarge : ScenarioLimits.MaxScenarioBytes;
        string text;
        try
        {
            if (RegularFile.ContentLength(path) is { } length && (length == 0 || length > maxScenarioBytes))
            {
                throw new ScenarioException(length == 0
                    ? $"--scenario \"{path}\" {RegularFile.NotRegular}; only regular files are read."
                    : $"--scenario \"{path}\" is {length:N0} bytes; a scenario may have at most {maxScenarioBytes:N0}{(allowLarge ? "." : $" (16 MiB; --allow-large lifts it to {ScenarioLimits.MaxScenarioBytesAllowLarge:N0}).")}");
            }

            text = File.ReadAllText(path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioException($"{path}: cannot read the scenario: {exception.Message}", exception);
        }

        var scenario = Parse(text, path);
        if (scenario.Driver is { } driver)
        {
            // Relative to the scenario, not to wherever bugcheck runs: the file can move with its driver.
            scenario.DriverPath = System.IO.Path.GetFullPath(driver, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        }

        return scenario;
    }

    public static ScenarioFile Parse(string json, string source)
    {
        ScenarioFile? scenario;
        try
        {
            scenario = JsonSerializer.Deserialize(json, ScenarioJsonContext.Default.ScenarioFile);
        }
        catch (JsonException exception)
        {
            var where = exception.LineNumber is { } line
                ? $"line {line + 1}, position {exception.BytePositionInLine + 1}{(exception.Path is { } path ? $" ({path})" : string.Empty)}"
                : exception.Path ?? "the document";
            throw new ScenarioException($"{source}: {where}: {ScenarioJsonErrors.Describe(exception)}", exception);
        }

        if (scenario is null)
        {
            throw new ScenarioException($"{source}: the document is null, not a scenario object.");
        }

        Validate(scenario, source);
        scenario.Source = source;
        return scenario;
    }

    private static void Validate(ScenarioFile scenario, string source)
    {
        var errors = new List<string>();
        if (scenario.CallTimeBudgetMs is 0 or > 600_000)
        {
            errors.Add($"$.callTimeBudgetMs: {scenario.CallTimeBudgetMs} must be from 1 to 600000 (milliseconds).");
        }

        if (scenario.SecondaryDataBudget is < 0x30)
        {
            errors.Add($"$.secondaryDataBudget: {scenario.SecondaryDataBudget} must be at least 48 (the DumpBlob headers of one blob).");
        }

        if (scenario.BugCheck?.Parameters is { Count: > 4 } parameters)
        {
            errors.Add($"$.bugCheck.parameters: {parameters.Count} values; KeBugCheckEx takes at most 4.");
        }

        if (!scenario.HasCallbacks && scenario.Driver is null)
        {
            throw new ScenarioException($"{source}: $.callbacks: a scenario object needs the property \"callbacks\" (or \"driver\", a native driver).");
        }

        if (scenario.Driver is { Length: 0 })
        {
            errors.Add("$.driver: must be the path of a driver library, not empty.");
        }

        for (var i = 0; i < scenario.Callbacks.Count; i++)
        {
            ValidateCallback(scenario.Callbacks[i], $"$.callbacks[{i}]", errors);
        }

        for (var i = 0; i < (scenario.Memory?.Count ?? 0); i++)
        {
            var memory = scenario.Memory![i];
            if (memory is null)
            {
                errors.Add($"$.memory[{i}]: must be a memory object, not null.");
            }
            else if ((ulong)(memory.Text?.Length ?? 0) > memory.Size || memory.Text?.Any(c => c > 0x7E || (c < 0x20 && c is not ('\n' or '\r' or '\t'))) == true)
            {
                errors.Add($"$.memory[{i}].text: must be printable ASCII and no longer than size (0x{memory.Size:X} bytes).");
            }
        }

        if (errors.Count > 0)
        {
            throw new ScenarioException($"{source}: {string.Join(Environment.NewLine + "  ", errors)}");
        }
    }

    private static void ValidateCallback(ScenarioCallback? callback, string at, List<string> errors)
    {
        if (callback is null)
        {
            errors.Add($"{at}: must be a callback object, not null.");
            return;
        }

        if (!ScenarioEnums.TryParseReason(callback.Reason, out var reason) || reason is BugCheckCallbackReason.Invalid)
        {
            errors.Add($"{at}.reason: \"{callback.Reason}\" is not one of {string.Join(", ", ScenarioEnums.Reasons)}.");
            return;
        }

        if (string.IsNullOrWhiteSpace(callback.Component))
        {
            errors.Add($"{at}.component: must not be empty.");
        }

        // The simulated kernel calls a repeating callback at most RepeatCallBudget times (1024): a script that asked for
        // more would be cut off with BCV0011 though it has no fault, so the scenario is refused instead.
        var budget = new SimulationOptions().RepeatCallBudget;
        if (callback.Parts is < 1 || callback.Parts > budget)
        {
            errors.Add($"{at}.parts: {callback.Parts} must be from 1 to {budget}: the simulated kernel calls a multi-part callback at most {budget} times.");
        }

        if (callback.Ranges?.Count > budget && callback.Fault != ScenarioFault.NeverEnd)
        {
            errors.Add($"{at}.ranges: {callback.Ranges.Count} ranges, at most {budget}: the simulated kernel calls a pages callback at most {budget} times, one range a call.");
        }

        if (reason is BugCheckCallbackReason.SecondaryDumpData or BugCheckCallbackReason.SecondaryMultiPartDumpData && callback.Guid is null && callback.Fault != ScenarioFault.NoGuid)
        {
            errors.Add($"{at}.guid: a {reason} callback needs a guid: the kernel drops data without one (BCV0006). Use \"fault\": \"NoGuid\" to commit that on purpose.");
        }

        var needsRanges = reason is BugCheckCallbackReason.AddPages or BugCheckCallbackReason.RemovePages;
        if (needsRanges && callback.Fault != ScenarioFault.NeverEnd && (callback.Ranges is null || callback.Ranges.Count == 0))
        {
            errors.Add($"{at}.ranges: an {reason} callback needs at least one range.");
        }

        if (reason == BugCheckCallbackReason.TriageDumpData && (callback.Blocks is null || callback.Blocks.Count == 0))
        {
            errors.Add($"{at}.blocks: a TriageDumpData callback needs at least one block.");
        }

        for (var j = 0; j < (callback.Ranges?.Count ?? 0); j++)
        {
            if (callback.Ranges![j] is null)
            {
                errors.Add($"{at}.ranges[{j}]: must be a range object, not null.");
            }
        }

        for (var j = 0; j < (callback.Blocks?.Count ?? 0); j++)
        {
            if (callback.Blocks![j] is null)
            {
                errors.Add($"{at}.blocks[{j}]: must be a block object, not null.");
            }
        }

        foreach (var code in callback.Expect ?? [])
        {
            if (!VerifierRules.All.Any(kind => VerifierRules.GetCode(kind) == code))
            {
                errors.Add($"{at}.expect: \"{code}\" is not a verifier code (BCV0001..BCV{VerifierRules.All.Count:D4}).");
            }
        }
    }
}
