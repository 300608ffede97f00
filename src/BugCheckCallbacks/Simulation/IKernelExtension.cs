namespace BugCheckCallbacks.Simulation;

/// <summary>
/// What another part of the library adds to a kernel (Native: the loaded C drivers), called at the points of a run it
/// needs, so that the simulation does not depend on it (docs/architecture.md). Internal: one implementation, Native's.
/// </summary>
internal interface IKernelExtension
{
    /// <summary>Before a bug check or a single call, on the caller's thread.</summary>
    void BeforeRun();

    /// <summary>The options the run uses: the kernel's, with what the extension adds (the drivers' memory and records).</summary>
    SimulationOptions OptionsFor(SimulationOptions options);

    /// <summary>After a run that finished (not one abandoned on a hang).</summary>
    void AfterRun();

    /// <summary>First thing on the thread a run starts, before anything is measured.</summary>
    void OnThreadStart();

    /// <summary>Asks the routine running now, if it is the extension's, to stop (a hang); true when one was asked.</summary>
    bool InterruptRoutine();
}
