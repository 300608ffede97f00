namespace BugCheckCallbacks.Forensics;

/// <summary>Specifies which of the kernel's bug-check callback lists a list is.</summary>
public enum CallbackListKind
{
    /// <summary><c>KeBugCheckCallbackListHead</c>: classic <c>KBUGCHECK_CALLBACK_RECORD</c>s (<c>KeRegisterBugCheckCallback</c>); KDBG names its head.</summary>
    Classic = 0,

    /// <summary><c>KeBugCheckReasonCallbackListHead</c>: <c>KBUGCHECK_REASON_CALLBACK_RECORD</c>s of every reason but the page reasons.</summary>
    Reason = 1,

    /// <summary><c>KeBugCheckAddRemovePagesCallbackListHead</c> (Windows 10+): the AddPages and RemovePages records.</summary>
    AddRemovePages = 2,
}
