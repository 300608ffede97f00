namespace BugCheckCallbacks.Binary;

/// <summary>What <see cref="DriverInspection"/> finds in a driver binary (docs/inspect.md, "Findings").</summary>
public enum InspectionFindingKind
{
    /// <summary>A callback routine in a discardable section (<c>INIT</c>): freed once DriverEntry returns, gone when the machine bug-checks.</summary>
    CallbackInDiscardableSection,

    /// <summary>A callback routine in a pageable section (<c>PAGE*</c>): it may be paged out, and a bug check runs at HIGH_LEVEL, where nothing pages in.</summary>
    CallbackInPageableSection,

    /// <summary>A callback record in a discardable or pageable section: the kernel's list runs through it at HIGH_LEVEL.</summary>
    RecordInPageableSection,

    /// <summary>
    /// A callback routine whose code reaches, directly or through functions of the image, a kernel routine the rule
    /// table forbids a callback (<see cref="KernelRoutineRules"/>): an allocation, a wait, a lock, I/O.
    /// </summary>
    ReachesForbiddenRoutine,

    /// <summary>A callback record that is a local variable, on the stack: gone when the registering function returns, while the kernel's list still runs through it.</summary>
    RecordOnStack,

    /// <summary>A registration whose BOOLEAN result the code never reads: a failed registration goes unnoticed.</summary>
    RegistrationResultIgnored,

    /// <summary>A record registered and never deregistered anywhere in the image: after an unload the kernel's list points into freed memory.</summary>
    NeverDeregistered,

    /// <summary>For an analyst, not a defect: a <c>KbCallbackRemovePages</c> registration, a way to take memory out of the dump.</summary>
    RemovesPagesFromDump,

    /// <summary>For an analyst, not a defect: a <c>KbCallbackDumpIo</c> registration, a way to watch every write of the dump.</summary>
    WatchesDumpWrites,
}
