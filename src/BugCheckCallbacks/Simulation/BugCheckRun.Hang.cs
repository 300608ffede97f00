using System.Diagnostics;

namespace BugCheckCallbacks.Simulation;

internal sealed partial class BugCheckRun
{
    private const int Working = 0;
    private const int InRoutine = 1;
    private const int Abandoned = 2;

    private int _where; // Working, InRoutine or Abandoned: who may touch the run's state
    private long _routineStart;
    private CallSite _routineSite;

    /// <summary>Gets whether the run's thread is inside a routine that has run longer than <paramref name="timeout"/>.</summary>
    public bool IsHung(TimeSpan timeout) =>
        Volatile.Read(ref _where) == InRoutine && _options.TimeProvider.GetElapsedTime(Volatile.Read(ref _routineStart)) > timeout;

    /// <summary>
    /// Gives up on the run if its thread is still inside the routine: from then on the thread touches nothing (it stops
    /// when the routine returns, if ever), so the outcome so far can be read safely.
    /// </summary>
    /// <returns>True when the run was abandoned and a <see cref="ViolationKind.CallbackHung"/> violation added; false when the routine just returned.</returns>
    public bool TryAbandon(TimeSpan timeout)
    {
        if (Interlocked.CompareExchange(ref _where, Abandoned, InRoutine) != InRoutine)
        {
            return false;
        }

        var site = _routineSite;
        Violate(site, ViolationKind.CallbackHung, Invariant($"The call did not return within the hang timeout of {timeout.TotalSeconds:F1} s; the bug check was abandoned in {site.Phase} and its thread left running."));
        return true;
    }

    /// <summary>
    /// Says in the hang's violation that the routine was interrupted and its thread has ended (a native routine whose
    /// driver contains faults; docs/native.md, "When a routine hangs"). Called once the thread is gone, so nothing races.
    /// </summary>
    public void NoteHungThreadReleased()
    {
        var at = _violations.FindLastIndex(v => v.Kind == ViolationKind.CallbackHung);
        if (at >= 0)
        {
            _violations[at] = _violations[at] with { Detail = _violations[at].Detail.Replace("and its thread left running.", "and the native routine interrupted: its thread has ended.", StringComparison.Ordinal) };
        }
    }

    /// <summary>Marks the thread as inside a routine (the only place a hang can happen), timing it from now.</summary>
    private void EnterRoutine(CallSite site)
    {
        _routineSite = site;
        Volatile.Write(ref _routineStart, _options.TimeProvider.GetTimestamp());
        Volatile.Write(ref _where, InRoutine);
    }

    /// <summary>Back from a routine: stops here for good if the bug check was abandoned meanwhile.</summary>
    private void LeaveRoutine()
    {
        if (Interlocked.CompareExchange(ref _where, Working, InRoutine) != InRoutine)
        {
            Debug.Assert(Volatile.Read(ref _where) == Abandoned, "Only an abandon changes the state while a routine runs.");
            throw new RunAbandonedException();
        }
    }

    /// <summary>Unwinds an abandoned run's thread when its routine finally returns.</summary>
    internal sealed class RunAbandonedException : Exception
    {
        public RunAbandonedException()
            : base("The bug check was abandoned while this routine ran.")
        {
        }

        public RunAbandonedException(string message)
            : base(message)
        {
        }

        public RunAbandonedException(string message, Exception innerException)
            : base(message, innerException)
        {
        }
    }
}
