using System.Diagnostics;
using System.Text;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Cli.Scenarios;

/// <summary>
/// Registers a scenario's scripted callbacks on a kernel. Every buffer a callback uses is allocated here, before the
/// crash, so a callback without a fault allocates nothing while it runs.
/// </summary>
internal static class ScenarioBuilder
{
    private const uint NestedStopCode = 0x000000E2; // MANUALLY_INITIATED_CRASH
    private static object? s_escape;

    public static SimulatedKernel CreateKernel(ScenarioFile scenario, DumpType? dumpType, CallbackOrder? order, InvocationLog log = InvocationLog.Bounded)
    {
        var defaults = new SimulationOptions();
        // Records first: a tampering names the record it corrupts, and the options hold the tamperings.
        var records = scenario.Callbacks.Select(c => ScenarioEnums.TryParseReason(c.Reason, out var r) && r is null ? (object)new BugCheckCallbackRecord() : new BugCheckReasonCallbackRecord()).ToArray();
        var tampering = scenario.Callbacks.Select((c, i) => c.Tamper is not { } kind ? null : records[i] is BugCheckCallbackRecord classic ? RecordTampering.Of(classic, kind) : RecordTampering.Of((BugCheckReasonCallbackRecord)records[i], kind))
            .OfType<RecordTampering>().ToArray();
        SimulatedKernel kernel;
        try
        {
            kernel = new SimulatedKernel(defaults with
            {
                DumpType = dumpType ?? scenario.DumpType ?? defaults.DumpType,
                Order = order ?? scenario.Order ?? defaults.Order,
                SecondaryDataBudget = scenario.SecondaryDataBudget ?? defaults.SecondaryDataBudget,
                MultiPartReservation = scenario.MultiPartReservation ?? defaults.MultiPartReservation,
                CallTimeBudget = scenario.CallTimeBudgetMs is { } ms ? TimeSpan.FromMilliseconds(ms) : defaults.CallTimeBudget,
                MemoryMap = MemoryMap(scenario.Memory, scenario.Source),
                Tampering = tampering,
                Log = log,
            });
        }
        catch (ArgumentException exception)
        {
            // The loader checks each field; this is the options' own check of the whole, named as the options do.
            throw new ScenarioException($"the scenario's options: {exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal)}", exception);
        }

        for (var i = 0; i < records.Length; i++)
        {
            var callback = scenario.Callbacks[i];
            var known = ScenarioEnums.TryParseReason(callback.Reason, out var parsed);
            Debug.Assert(known, "The loader validated every reason.");
            if (parsed is not { } reason)
            {
                var buffer = Fill(new byte[callback.Size ?? 64], callback.Component);
                kernel.Callbacks.RegisterClassic((BugCheckCallbackRecord)records[i], ClassicRoutine(kernel, callback), buffer, callback.Component);
                continue;
            }

            kernel.Callbacks.Register((BugCheckReasonCallbackRecord)records[i], Routine(kernel, reason, callback), reason, callback.Component);
        }

        return kernel;
    }

    /// <summary>The default map plus the scenario's regions; a region the map refuses is a scenario error.</summary>
    private static SimulatedMemoryMap MemoryMap(List<ScenarioMemory>? memory, string source)
    {
        if (memory is null || memory.Count == 0)
        {
            return SimulatedMemoryMap.Default;
        }

        var regions = SimulatedMemoryMap.Default.Regions.ToList();
        regions.AddRange(memory.Select(m => new MemoryRegion(m.Space, new AddressRange(m.Address, m.Size), Encoding.ASCII.GetBytes(m.Text ?? string.Empty))));
        try
        {
            return new SimulatedMemoryMap(regions);
        }
        catch (ArgumentException exception)
        {
            var defaults = SimulatedMemoryMap.Default.Regions.Count;
            var message = System.Text.RegularExpressions.Regex.Replace(
                exception.Message.Replace($" (Parameter '{exception.ParamName}')", string.Empty, StringComparison.Ordinal),
                @"regions\[(\d+)\]",
                match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) is var i && i >= defaults ? $"$.memory[{i - defaults}]" : $"the default memory map's region {i}");
            throw new ScenarioException($"{source}: {message}", exception);
        }
    }

    private static BugCheckReasonCallback Routine(SimulatedKernel kernel, BugCheckCallbackReason reason, ScenarioCallback script)
    {
        var behave = reason switch
        {
            BugCheckCallbackReason.SecondaryDumpData => SecondaryData(script),
            BugCheckCallbackReason.SecondaryMultiPartDumpData => MultiPart(script),
            BugCheckCallbackReason.AddPages or BugCheckCallbackReason.RemovePages => Pages(script),
            BugCheckCallbackReason.TriageDumpData => Triage(script),
            BugCheckCallbackReason.DumpIo => DumpIo(kernel, script),
            _ => (_, _) => { },
        };

        var calls = 0;
        var timeBudget = kernel.Options.CallTimeBudget;
        return (_, record, data) =>
        {
            calls++;
            switch (script.Fault)
            {
                case ScenarioFault.Throw when calls == 1:
                    throw new InvalidOperationException($"{script.Component} dereferenced a bad pointer.");
                case ScenarioFault.Allocate:
                    s_escape = new byte[64];
                    break;
                case ScenarioFault.Slow when calls == 1:
                    // Spin rather than sleep: Thread.Sleep's first call allocates, which would add a second violation.
                    var until = Stopwatch.GetTimestamp() + (long)((timeBudget.TotalSeconds + 0.05) * Stopwatch.Frequency);
                    while (Stopwatch.GetTimestamp() < until)
                    {
                        Thread.SpinWait(64);
                    }

                    break;
                case ScenarioFault.NestedBugCheck:
                    kernel.KeBugCheckEx(NestedStopCode);
                    break;
            }

            behave(record, data);
        };
    }

    private static Action<BugCheckReasonCallbackRecord, ReasonCallbackData?> SecondaryData(ScenarioCallback script)
    {
        var resident = Fill(new byte[script.Size ?? 256], script.Component);
        var tag = script.Guid ?? Guid.Empty;
        return (_, data) =>
        {
            // Without a fault the script keeps the contract: it asks for at most MaximumAllowed and writes at most what it
            // is offered, so a size larger than the region is cut to it, never a violation.
            var d = (SecondaryDumpData)data!;
            if (d.IsSizeQuery)
            {
                d.OutBufferLength = Math.Min((uint)resident.Length, d.MaximumAllowed);
                return;
            }

            d.Guid = script.Fault == ScenarioFault.NoGuid ? Guid.Empty : tag;
            if (script.Fault == ScenarioFault.Oversize)
            {
                d.OutBufferLength = d.MaximumAllowed + 1;
                return;
            }

            d.SetOutput(resident.AsMemory(0, (int)Math.Min((uint)resident.Length, d.MaximumAllowed)));
        };
    }

    private static Action<BugCheckReasonCallbackRecord, ReasonCallbackData?> MultiPart(ScenarioCallback script)
    {
        var parts = script.Parts ?? 2;
        var resident = Fill(new byte[script.Size ?? 256], script.Component);
        var tag = script.Guid ?? Guid.Empty;
        return (_, data) =>
        {
            var d = (SecondaryDumpDataEx)data!;
            var part = (int)d.Context;
            d.Guid = script.Fault == ScenarioFault.NoGuid ? Guid.Empty : tag;
            resident[0] = (byte)part; // each part is tagged with its number
            d.SetOutput(script.Fault == ScenarioFault.Oversize ? resident.AsMemory(0, 0) : resident.AsMemory(0, (int)Math.Min((uint)resident.Length, d.MaximumAllowed)));
            if (script.Fault == ScenarioFault.Oversize)
            {
                d.OutBufferLength = d.MaximumAllowed + 1;
            }

            d.Context = part + 1;

            // Offered nothing, a well-behaved driver stops: asking again with nothing written is no progress (BCV0014).
            var more = part + 1 < parts && (d.MaximumAllowed > 0 || script.Fault == ScenarioFault.Oversize);
            d.Flags = more || script.Fault == ScenarioFault.NeverEnd ? SecondaryDataFlags.AdditionalData : SecondaryDataFlags.None;
        };
    }

    private static Action<BugCheckReasonCallbackRecord, ReasonCallbackData?> Pages(ScenarioCallback script)
    {
        var ranges = script.Ranges?.ToArray() ?? [new ScenarioRange { Address = 0x100000, Pages = 1 }];
        return (_, data) =>
        {
            var d = (PageRangeData)data!;
            var next = (int)(d.Context % ranges.Length);
            var range = ranges[next];
            d.Flags = range.Space == AddressSpace.Virtual ? PageRangeFlags.VirtualAddress : PageRangeFlags.PhysicalAddress;
            if (next + 1 < ranges.Length || script.Fault == ScenarioFault.NeverEnd)
            {
                d.Flags |= PageRangeFlags.AdditionalRangesExist;
            }

            d.Address = range.Address;
            d.Count = range.Pages;
            d.Context = d.Context + 1;
        };
    }

    private static Action<BugCheckReasonCallbackRecord, ReasonCallbackData?> Triage(ScenarioCallback script)
    {
        var blocks = script.Blocks!.ToArray();
        var size = TriageDumpDataArray.HeaderSize + ((uint)blocks.Length * TriageDumpDataArray.BlockSize);
        var array = new TriageDumpDataArray(size) { ComponentName = script.Component };
        return (_, data) =>
        {
            array.Initialize(size);
            foreach (var block in blocks)
            {
                array.AddBlock(block.Address, block.Size);
            }

            ((TriageDumpData)data!).DataArray = array;
        };
    }

    private static Action<BugCheckReasonCallbackRecord, ReasonCallbackData?> DumpIo(SimulatedKernel kernel, ScenarioCallback script)
    {
        var calls = 0;
        return (record, _) =>
        {
            if (++calls == script.DeregisterOnCall)
            {
                kernel.Callbacks.Deregister(record);
            }
        };
    }

    private static BugCheckCallback ClassicRoutine(SimulatedKernel kernel, ScenarioCallback script)
    {
        var text = Encoding.ASCII.GetBytes($"{script.Component}: last state");
        return buffer =>
        {
            switch (script.Fault)
            {
                case ScenarioFault.Throw:
                    throw new InvalidOperationException($"{script.Component} faulted in its classic callback.");
                case ScenarioFault.NestedBugCheck:
                    kernel.KeBugCheckEx(NestedStopCode);
                    break;
            }

            text.AsSpan(0, Math.Min(text.Length, buffer.Length)).CopyTo(buffer);
        };
    }

    private static byte[] Fill(byte[] buffer, string component)
    {
        var pattern = Encoding.ASCII.GetBytes(component + " ");
        for (var i = 0; i < buffer.Length; i++)
        {
            buffer[i] = pattern[i % pattern.Length];
        }

        return buffer;
    }
}
