using System.Globalization;

namespace BugCheckCallbacks.Binary;

/// <summary>
/// What a driver binary's code says about its bug-check callbacks (docs/inspect.md): the registration calls
/// (<see cref="RegistrationScanner"/>) and the findings about where their routines and records are placed, whether
/// each result is read, whether each record is deregistered, and which registrations an analyst wants to see.
/// </summary>
public sealed class DriverInspection
{
    private DriverInspection(DriverImage image, IReadOnlyList<RegistrationCall> calls, IReadOnlyList<InspectionFinding> findings, IReadOnlyList<ReachedImport> reached, IReadOnlyList<uint> unresolved, bool truncated) =>
        (Image, Calls, Findings, Reached, UnresolvedCalls, IsWalkTruncated) = (image, calls, findings, reached, unresolved, truncated);

    /// <summary>Gets the image inspected.</summary>
    public DriverImage Image { get; }

    /// <summary>Gets the registration and deregistration calls, in address order.</summary>
    public IReadOnlyList<RegistrationCall> Calls { get; }

    /// <summary>Gets the findings, call by call; <see cref="InspectionFinding.IsForensic"/> ones are flags, the others defects.</summary>
    public IReadOnlyList<InspectionFinding> Findings { get; }

    /// <summary>Gets every import the registered callback routines reach, with the call and the path of functions to it.</summary>
    public IReadOnlyList<ReachedImport> Reached { get; }

    /// <summary>Gets the RVA of each indirect call or jump those routines reach whose target is not known: not followed, so not judged.</summary>
    public IReadOnlyList<uint> UnresolvedCalls { get; }

    /// <summary>Gets whether a routine's code ran past the walk's bound (4,000,000 instructions): what it reaches beyond is not judged.</summary>
    public bool IsWalkTruncated { get; }

    /// <summary>Inspects <paramref name="image"/>.</summary>
    /// <param name="image">The driver image.</param>
    /// <returns>Its calls and findings.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="image"/> is null.</exception>
    public static DriverInspection Inspect(DriverImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        // One decoding of the code for its thunks and branch targets serves the scan and every walk.
        var imageCode = RegistrationScanner.ImportsRegistration(image) ? new ImageCode(image) : null;
        var calls = imageCode is null ? [] : RegistrationScanner.Scan(image, imageCode);
        var deregistered = calls.Where(c => !c.IsRegistration && c.RecordRva is not null).Select(c => c.RecordRva!.Value).ToHashSet();
        var anyUnknownDeregistration = calls.Any(c => !c.IsRegistration && c.RecordRva is null);
        var findings = new List<InspectionFinding>();
        var walked = new Dictionary<uint, (List<ReachedImport> Imports, List<uint> Unresolved, bool Truncated)>();
        foreach (var call in calls.Where(c => c.IsRegistration))
        {
            if (call.CallbackRva is { } start && imageCode is not null)
            {
                if (!walked.TryGetValue(start, out var walk))
                {
                    walked[start] = walk = CallReachability.From(image, imageCode, start);
                }

                findings.AddRange(ForbiddenReached(image, call, walk.Imports));
            }

            findings.AddRange(Placement(image, call));
            findings.AddRange(Lifetime(call, call.RecordRva is not { } record || deregistered.Contains(record) || anyUnknownDeregistration));
            findings.AddRange(Forensic(call));
        }

        return new DriverInspection(image, calls, findings, [.. walked.Values.SelectMany(w => w.Imports)], [.. walked.Values.SelectMany(w => w.Unresolved).Distinct()], walked.Values.Any(w => w.Truncated));
    }

    /// <summary>Each forbidden routine the callback reaches, with the path to it.</summary>
    private static IEnumerable<InspectionFinding> ForbiddenReached(DriverImage image, RegistrationCall call, List<ReachedImport> reachedImports)
    {
        foreach (var reached in reachedImports)
        {
            if (reached.Import.Name is { } name && KernelRoutineRules.For(name) is { Forbidden: true } rule)
            {
                var path = string.Join(" → ", reached.Path.Select(rva => image.DescribeRva(rva)).Append(name));
                yield return new(InspectionFindingKind.ReachesForbiddenRoutine, reached.CallRva, call.CallRva, Text($"The callback reaches {name}, which {rule.Why}{(rule.Code is { } bcv ? $" (the simulation reports {bcv})" : string.Empty)}: {path}."));
            }
        }
    }

    /// <summary>Where the routine and the record are: code that is freed or paged out, a record that is, or one on the stack.</summary>
    private static IEnumerable<InspectionFinding> Placement(DriverImage image, RegistrationCall call)
    {
        if (call.CallbackRva is { } routine && image.SectionAt(routine) is { } code)
        {
            if (code.IsDiscardable)
            {
                yield return new(InspectionFindingKind.CallbackInDiscardableSection, routine, call.CallRva, Text($"The callback routine is in {code.Name}, which the kernel frees once DriverEntry returns: at the bug check its code is gone."));
            }
            else if (code.IsPageable)
            {
                yield return new(InspectionFindingKind.CallbackInPageableSection, routine, call.CallRva, Text($"The callback routine is in {code.Name}, which may be paged out: a bug check runs at HIGH_LEVEL, where no page comes back in."));
            }
        }

        if (call.RecordRva is { } record && image.SectionAt(record) is { } data && (data.IsDiscardable || data.IsPageable))
        {
            yield return new(InspectionFindingKind.RecordInPageableSection, record, call.CallRva, Text($"The callback record is in {data.Name}: the kernel walks its list through the record at HIGH_LEVEL, so it must be nonpaged memory that stays."));
        }

        if (call.RecordOnStack)
        {
            yield return new(InspectionFindingKind.RecordOnStack, call.CallRva, call.CallRva, "The callback record is a local variable: when the function returns, its stack is reused while the kernel's list still runs through it.");
        }
    }

    /// <summary>The registration's result dropped, and a record no call deregisters (<paramref name="mayBeDeregistered"/> false).</summary>
    private static IEnumerable<InspectionFinding> Lifetime(RegistrationCall call, bool mayBeDeregistered)
    {
        if (call.ResultUsed == false)
        {
            yield return new(InspectionFindingKind.RegistrationResultIgnored, call.CallRva, call.CallRva, Text($"{call.Routine} returns FALSE when it fails (a record already in use, say); the code drops the result."));
        }

        if (!mayBeDeregistered)
        {
            yield return new(InspectionFindingKind.NeverDeregistered, call.RecordRva!.Value, call.CallRva, Text($"No call deregisters this record: after the driver unloads, the kernel's list still runs through its memory."));
        }
    }

    /// <summary>What an analyst wants flagged: a way to hide memory from the dump, or to watch it written.</summary>
    private static IEnumerable<InspectionFinding> Forensic(RegistrationCall call)
    {
        if (call.Reason == BugCheckCallbackReason.RemovePages)
        {
            yield return new(InspectionFindingKind.RemovesPagesFromDump, call.CallRva, call.CallRva, "A KbCallbackRemovePages callback can take pages out of the dump: memory an analyst will not see.");
        }
        else if (call.Reason == BugCheckCallbackReason.DumpIo)
        {
            yield return new(InspectionFindingKind.WatchesDumpWrites, call.CallRva, call.CallRva, "A KbCallbackDumpIo callback is handed every write of the dump as it is made.");
        }
    }

    private static string Text(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
