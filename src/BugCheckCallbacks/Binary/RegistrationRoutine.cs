namespace BugCheckCallbacks.Binary;

/// <summary>The four kernel routines that put a bug-check callback on, or take it off, the kernel's lists (wdm.h).</summary>
public enum RegistrationRoutine
{
    /// <summary><c>KeRegisterBugCheckReasonCallback(Record, Routine, Reason, Component)</c>.</summary>
    KeRegisterBugCheckReasonCallback,

    /// <summary><c>KeDeregisterBugCheckReasonCallback(Record)</c>.</summary>
    KeDeregisterBugCheckReasonCallback,

    /// <summary><c>KeRegisterBugCheckCallback(Record, Routine, Buffer, Length, Component)</c>.</summary>
    KeRegisterBugCheckCallback,

    /// <summary><c>KeDeregisterBugCheckCallback(Record)</c>.</summary>
    KeDeregisterBugCheckCallback,
}
