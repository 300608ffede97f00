using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Checking;

/// <summary>
/// Checks a bug-check callback against the contract the way Driver Verifier checks a driver: runs it through every
/// situation the contract allows for its reason and returns each violation with the situation that produced it.
/// </summary>
/// <remarks>
/// <para>
/// Every situation is a whole simulated bug check on a kernel of its own, so the callback meets the real protocols: the
/// sizing and data passes, the multi-part and add-pages repeat protocols up to <see cref="SimulationOptions.RepeatCallBudget"/>,
/// DumpIo's writes. The fixed table covers each dump type that dispatches the reason, with the defaults and after another
/// driver's callback faulted; for secondary data <c>MaximumAllowed</c> of 0, tiny (8), exact (what the callback asked
/// for), one step short, and large with the sizing answer ignored (the data pass offered the whole budget, so that a routine answering 0 still has its data pass checked), no and a tiny <c>InBuffer</c>, and two instances of the driver; for
/// triage a <c>MaxVirtMemSize</c> of one page and of 0; for DumpIo sequential offsets. Then
/// <see cref="ContractCheckOptions.GeneratedSituations"/> more are drawn from <see cref="ContractCheckOptions.Seed"/>.
/// </para>
/// <para>A callback that hangs stops the check: the kernel it hung is done for and so, usually, is the callback.</para>
/// </remarks>
public static class ContractChecker
{
    /// <summary>Checks a callback of the reason whose structure is <typeparamref name="TData"/> in every situation.</summary>
    /// <typeparam name="TData">The reason's structure: <see cref="SecondaryDumpData"/>, <see cref="SecondaryDumpDataEx"/>, <see cref="AddPagesData"/>, <see cref="RemovePagesData"/>, <see cref="DumpIoData"/> or <see cref="TriageDumpData"/>.</typeparam>
    /// <param name="callback">The routine, as registered with the typed methods of <see cref="TypedRegistrationExtensions"/>.</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults.</param>
    /// <returns>The situations run and the violations found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TData"/> is not the structure of one reason, or <paramref name="options"/> are invalid.</exception>
    public static ContractCheckResult Check<TData>(BugCheckReasonCallback<TData> callback, ContractCheckOptions? options = null)
        where TData : ReasonCallbackData
    {
        ArgumentNullException.ThrowIfNull(callback);
        var reason = ReasonOf<TData>();
        return Run(reason, CallbackInstaller(() => TypedRegistrationExtensions.Untyped(callback, reason), reason), situation: null, options);
    }

    /// <summary>Replays one situation, as a finding named it, for a callback of the reason whose structure is <typeparamref name="TData"/>.</summary>
    /// <typeparam name="TData">The reason's structure.</typeparam>
    /// <param name="callback">The routine.</param>
    /// <param name="situation">The situation, from <see cref="ContractFinding.Situation"/> or built by hand.</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults; only <see cref="ContractCheckOptions.Simulation"/> and <see cref="ContractCheckOptions.Component"/> apply.</param>
    /// <returns>The one situation and the violations found in it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> or <paramref name="situation"/> is null.</exception>
    /// <exception cref="ArgumentException">The situation is for another reason, or one of its values is invalid.</exception>
    public static ContractCheckResult Replay<TData>(BugCheckReasonCallback<TData> callback, ContractSituation situation, ContractCheckOptions? options = null)
        where TData : ReasonCallbackData
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(situation);
        var reason = ReasonOf<TData>();
        return Run(reason, CallbackInstaller(() => TypedRegistrationExtensions.Untyped(callback, reason), reason), situation, options);
    }

    /// <summary>
    /// Checks a callback of the reason whose structure is <typeparamref name="TData"/> in every situation, with a callback of
    /// its own for every record: a per-device driver registers one record per device, each with its own state, and the
    /// situations that register twice call <paramref name="createInstance"/> once per record.
    /// </summary>
    /// <typeparam name="TData">The reason's structure (give it: <c>CheckEachInstance&lt;SecondaryDumpData&gt;(() =&gt; new Device().Callback)</c>).</typeparam>
    /// <param name="createInstance">Makes one instance's routine, with the state that instance keeps; called before each bug check, once per record, outside the callback window (it may allocate).</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults.</param>
    /// <returns>The situations run and the violations found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="createInstance"/> is null.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="TData"/> is not the structure of one reason, or <paramref name="options"/> are invalid.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="createInstance"/> returned null.</exception>
    public static ContractCheckResult CheckEachInstance<TData>(Func<BugCheckReasonCallback<TData>> createInstance, ContractCheckOptions? options = null)
        where TData : ReasonCallbackData
    {
        ArgumentNullException.ThrowIfNull(createInstance);
        var reason = ReasonOf<TData>();
        return Run(reason, CallbackInstaller(() => TypedRegistrationExtensions.Untyped(Created(createInstance), reason), reason), situation: null, options);
    }

    /// <summary>Replays one situation, as a finding named it, with a callback of its own for every record (<see cref="CheckEachInstance"/>).</summary>
    /// <typeparam name="TData">The reason's structure.</typeparam>
    /// <param name="createInstance">Makes one instance's routine.</param>
    /// <param name="situation">The situation, from <see cref="ContractFinding.Situation"/> or built by hand.</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults; only <see cref="ContractCheckOptions.Simulation"/> and <see cref="ContractCheckOptions.Component"/> apply.</param>
    /// <returns>The one situation and the violations found in it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="createInstance"/> or <paramref name="situation"/> is null.</exception>
    /// <exception cref="ArgumentException">The situation is for another reason, or one of its values is invalid.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="createInstance"/> returned null.</exception>
    public static ContractCheckResult ReplayEachInstance<TData>(Func<BugCheckReasonCallback<TData>> createInstance, ContractSituation situation, ContractCheckOptions? options = null)
        where TData : ReasonCallbackData
    {
        ArgumentNullException.ThrowIfNull(createInstance);
        ArgumentNullException.ThrowIfNull(situation);
        var reason = ReasonOf<TData>();
        return Run(reason, CallbackInstaller(() => TypedRegistrationExtensions.Untyped(Created(createInstance), reason), reason), situation, options);
    }

    private static BugCheckReasonCallback<TData> Created<TData>(Func<BugCheckReasonCallback<TData>> createInstance)
        where TData : ReasonCallbackData =>
        createInstance() ?? throw new InvalidOperationException("createInstance returned null; it must return the new instance's routine.");

    /// <summary>Checks a <see cref="BugCheckCallbackReason.Reserved1"/> callback (it receives no structure) in every situation.</summary>
    /// <param name="callback">The routine.</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults.</param>
    /// <returns>The situations run and the violations found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public static ContractCheckResult CheckReserved1(Action<BugCheckReasonCallbackRecord> callback, ContractCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(callback);
        return Run(BugCheckCallbackReason.Reserved1, CallbackInstaller(() => TypedRegistrationExtensions.Untyped(callback), BugCheckCallbackReason.Reserved1), situation: null, options);
    }

    /// <summary>Checks an untyped callback for <paramref name="reason"/> in every situation, for tools that handle any reason.</summary>
    /// <param name="reason">A reason the kernel dispatches (Reserved1 to TriageDumpData).</param>
    /// <param name="callback">The routine (<c>KBUGCHECK_REASON_CALLBACK_ROUTINE</c>).</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults.</param>
    /// <returns>The situations run and the violations found.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="callback"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a reason the kernel dispatches.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public static ContractCheckResult CheckRoutine(BugCheckCallbackReason reason, BugCheckReasonCallback callback, ContractCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (reason is < BugCheckCallbackReason.Reserved1 or > BugCheckCallbackReason.TriageDumpData)
        {
            throw new ArgumentOutOfRangeException(nameof(reason), reason, $"{(int)reason} is not a reason the kernel dispatches (Reserved1 to TriageDumpData).");
        }

        return Run(reason, CallbackInstaller(() => callback, reason), situation: null, options);
    }

    private static BugCheckCallbackReason ReasonOf<TData>()
        where TData : ReasonCallbackData =>
        ReasonCallbackData.ReasonFor(typeof(TData)) ??
        throw new ArgumentException($"{typeof(TData).Name} is not the structure of one reason; use SecondaryDumpData, SecondaryDumpDataEx, AddPagesData, RemovePagesData, DumpIoData or TriageDumpData.", nameof(TData));

    /// <summary>
    /// Checks every callback a native driver registers (docs/native.md): each situation loads a private copy of the library
    /// into a kernel of its own and bug-checks it, so the driver's callbacks meet every situation their reasons allow.
    /// </summary>
    /// <param name="path">The driver library, built with <c>include/bugcheck_callbacks.h</c>.</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults; a driver is loaded once per situation, so <see cref="ContractCheckOptions.IncludeSecondInstance"/> does not apply.</param>
    /// <returns>One result per reason the driver registers records for, in reason order; each holds the violations of that reason's records.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file is at <paramref name="path"/>.</exception>
    /// <exception cref="Native.NativeDriverException">The library cannot be loaded, or its <c>DriverEntry</c> fails.</exception>
    /// <exception cref="ArgumentException"><paramref name="options"/> are invalid.</exception>
    public static IReadOnlyList<ContractCheckResult> CheckDriver(string path, ContractCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        options = (options ?? new ContractCheckOptions()) with { IncludeSecondInstance = false };
        options.Validate();
        BugCheckCallbackReason[] reasons;
        using (var probe = new SimulatedKernel(options.Simulation).LoadDriver(path))
        {
            reasons = [.. probe.Records.Select(record => record.Reason).Distinct().Order()];
        }

        return Array.ConvertAll(reasons, reason => Run(reason, DriverInstaller(path, reason), situation: null, options));
    }

    /// <summary>Replays one situation, as a finding named it, for the records of its reason in a native driver.</summary>
    /// <param name="path">The driver library.</param>
    /// <param name="situation">The situation, from <see cref="ContractFinding.Situation"/>.</param>
    /// <param name="options">How to check, or <see langword="null"/> for the defaults; only <see cref="ContractCheckOptions.Simulation"/> applies.</param>
    /// <returns>The one situation and the violations the driver's records of its reason committed in it.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="path"/> or <paramref name="situation"/> is null.</exception>
    /// <exception cref="ArgumentException">One of the situation's values is invalid.</exception>
    public static ContractCheckResult ReplayDriver(string path, ContractSituation situation, ContractCheckOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(situation);
        return Run(situation.Reason, DriverInstaller(path, situation.Reason), situation, options);
    }

    /// <summary>
    /// Registers a managed callback in a situation's kernel, once per instance the situation asks for, each from
    /// <paramref name="instance"/>; each is wrapped to note the MaximumAllowed its record was offered (a write to a
    /// pre-allocated slot: nothing is allocated inside the callback window).
    /// </summary>
    private static Installer CallbackInstaller(Func<BugCheckReasonCallback> instance, BugCheckCallbackReason reason) => (kernel, situation, component) =>
    {
        var records = new BugCheckReasonCallbackRecord[situation.Instances];
        var offered = new uint?[records.Length];
        for (var i = 0; i < records.Length; i++)
        {
            var (callback, slot) = (instance(), i);
            records[i] = new BugCheckReasonCallbackRecord();
            kernel.Callbacks.Register(records[i], (record, kind, data) =>
            {
                if (data is SecondaryDumpData secondary)
                {
                    offered[slot] = secondary.MaximumAllowed;
                }

                callback(record, kind, data);
            }, reason, component);
        }

        return (records, null, offered);
    };

    /// <summary>Loads a private copy of a driver into a situation's kernel; its records of <paramref name="reason"/> are the checked ones.</summary>
    private static Installer DriverInstaller(string path, BugCheckCallbackReason reason) => (kernel, _, _) =>
    {
        var driver = kernel.LoadDriver(path);
        return ([.. driver.Records.Where(record => record.Reason == reason)], driver, null); // a native routine is not wrapped
    };

    private static ContractCheckResult Run(BugCheckCallbackReason reason, Installer install, ContractSituation? situation, ContractCheckOptions? options)
    {
        options ??= new ContractCheckOptions();
        options.Validate();
        if (situation is not null)
        {
            Validate(situation, reason);
            var findings = new List<ContractFinding>();
            RunOne(reason, install, situation, options, findings, out _, out _);
            return new ContractCheckResult(reason, options.Seed, [situation], [], findings);
        }

        var ran = new List<ContractSituation>();
        var all = new List<ContractFinding>();
        var queue = new Queue<ContractSituation>(SituationTable.Fixed(reason, options));
        var learned = false;
        var sizedEver = false; // a size query answered with more than 0 where there was room
        ContractSituation? wroteUnsized = null; // a situation ignoring the sizing answer in which the routine wrote data
        while (queue.TryDequeue(out var next))
        {
            ran.Add(next);
            if (RunOne(reason, install, next, options, all, out var asked, out var seen))
            {
                return new ContractCheckResult(reason, options.Seed, ran, [.. queue], all);
            }

            sizedEver |= seen.Sized && next.MaximumAllowed != 0;
            wroteUnsized ??= next.IgnoreSizingAnswer && seen.Wrote ? next : null;

            if (!learned)
            {
                // The first situation is the plain one: what the callback asks for there sizes the exact and generated ones.
                learned = true;
                foreach (var sized in SituationTable.Sized(reason, asked).Concat(SituationTable.Generated(reason, options, asked)))
                {
                    queue.Enqueue(sized);
                }
            }
        }

        if (reason == BugCheckCallbackReason.SecondaryDumpData && !sizedEver && wroteUnsized is { } where)
        {
            // Answering 0 once is a routine with nothing to say; answering 0 always while writing when offered room is a
            // routine whose data the kernel never reserves, so it is never written.
            all.Add(new ContractFinding(where, new Violation(
                ViolationKind.DataNeverSized, BugCheckPhase.SecondaryDataSizing, reason, options.Component, 0, 1,
                $"The routine answered every size query with OutBufferLength 0 in {ran.Count(s => s.MaximumAllowed != 0)} situations that offered room, yet writes data in the data pass when offered the budget: the kernel reserves what the sizing pass asks for, so its data is never written.")));
        }

        return new ContractCheckResult(reason, options.Seed, ran, [], all);
    }

    /// <summary>What one situation showed of the checked records: a size query answered with more than 0, data written in the data pass.</summary>
    private readonly record struct Seen(bool Sized, bool Wrote);

    /// <summary>Runs one situation as a whole bug check; true when the callback hung.</summary>
    private static bool RunOne(BugCheckCallbackReason reason, Installer install, ContractSituation situation, ContractCheckOptions options, List<ContractFinding> findings, out ulong asked, out Seen seen)
    {
        var simulation = options.Simulation with
        {
            DumpType = situation.DumpType,
            InBufferSize = situation.InBufferSize,
            TriageMaxVirtMemSize = situation.TriageMaxVirtMemSize,
            SequentialDumpIo = situation.SequentialDumpIo,
            IgnoreSizingAnswers = situation.IgnoreSizingAnswer,
            SecondaryDataBudget = situation.MaximumAllowed is { } maximum
                ? DumpBlob.FileHeaderSize + DumpBlob.BlobHeaderSize + maximum
                : options.Simulation.SecondaryDataBudget,
            MultiPartReservation = situation.MaximumAllowed is { } reserved // a multi-part callback is offered the same MaximumAllowed
                ? DumpBlob.BlobHeaderSize + reserved
                : options.Simulation.MultiPartReservation,
        };
        var kernel = new SimulatedKernel(simulation);
        var peer = new BugCheckReasonCallbackRecord();
        if (situation.FaultBefore && simulation.Order == CallbackOrder.OldestFirst)
        {
            kernel.Callbacks.Register(peer, Faulting, reason, "faulting-peer.sys");
        }

        var (records, owner, offered) = install(kernel, situation, options.Component);
        try
        {
            if (situation.FaultBefore && simulation.Order == CallbackOrder.NewestFirst)
            {
                kernel.Callbacks.Register(peer, Faulting, reason, "faulting-peer.sys");
            }

            var outcome = kernel.KeBugCheckEx(situation.BugCheck.Code, situation.BugCheck.Parameter1, situation.BugCheck.Parameter2, situation.BugCheck.Parameter3, situation.BugCheck.Parameter4);
            foreach (var violation in outcome.Violations)
            {
                if (Array.IndexOf(records, violation.Record) is var index and >= 0)
                {
                    findings.Add(new ContractFinding(situation, violation) { OfferedMaximumAllowed = violation.OfferedMaximumAllowed ?? offered?[index] });
                }
            }

            seen = new Seen(
                outcome.Invocations.Any(call => call.Pass == InvocationPass.Sizing && call.BytesProduced > 0 && Array.IndexOf(records, call.Record) >= 0),
                outcome.Invocations.Any(call => call.Pass == InvocationPass.Data && call.BytesProduced > 0 && Array.IndexOf(records, call.Record) >= 0) ||
                    outcome.Violations.Any(v => v.Phase == BugCheckPhase.SecondaryData && Array.IndexOf(records, v.Record) >= 0));

            // What the first record asked for: its sizing pass, or its first part.
            asked = records.Length == 0 ? 0 : outcome.Invocations
                .Where(call => call.Record == records[0] && call.Pass != InvocationPass.Data)
                .Select(call => (ulong)Math.Max(call.BytesProduced, 0))
                .FirstOrDefault();
            return kernel.IsHung;
        }
        finally
        {
            owner?.Dispose(); // a driver whose routine hung stays mapped (NativeDriver.Dispose)
        }
    }

    private static void Validate(ContractSituation situation, BugCheckCallbackReason reason)
    {
        if (situation.Reason != reason)
        {
            throw new ArgumentException($"The situation is for {situation.Reason}, the callback for {reason}.", nameof(situation));
        }

        DumpTypes.ThrowIfNotWritten(situation.DumpType, nameof(situation));
        if (situation.Instances is < 1 or > 16)
        {
            throw new ArgumentException($"Instances {situation.Instances} must be from 1 to 16.", nameof(situation));
        }

        if (situation.MaximumAllowed > uint.MaxValue - DumpBlob.FileHeaderSize - DumpBlob.BlobHeaderSize)
        {
            throw new ArgumentException($"MaximumAllowed 0x{situation.MaximumAllowed:X} leaves no room for the region's headers.", nameof(situation));
        }
    }

    /// <summary>Puts the checked callbacks into a situation's kernel: their records, and what to dispose after the bug check.</summary>
    private delegate (BugCheckReasonCallbackRecord[] Records, IDisposable? Owner, uint?[]? Offered) Installer(SimulatedKernel kernel, ContractSituation situation, string component);

    private static void Faulting(BugCheckCallbackReason reason, BugCheckReasonCallbackRecord record, ReasonCallbackData? data) =>
        throw new InvalidOperationException("Another driver's callback faulted (a situation of the contract checker).");
}
