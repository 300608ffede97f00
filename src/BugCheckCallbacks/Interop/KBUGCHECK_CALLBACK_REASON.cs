namespace BugCheckCallbacks.Interop;

/// <summary>The wdm.h <c>KBUGCHECK_CALLBACK_REASON</c> enumeration, member for member; see <see cref="BugCheckCallbackReason"/>.</summary>
public enum KBUGCHECK_CALLBACK_REASON
{
    /// <summary><c>KbCallbackInvalid</c> (0).</summary>
    KbCallbackInvalid = 0,

    /// <summary><c>KbCallbackReserved1</c> (1).</summary>
    KbCallbackReserved1 = 1,

    /// <summary><c>KbCallbackSecondaryDumpData</c> (2).</summary>
    KbCallbackSecondaryDumpData = 2,

    /// <summary><c>KbCallbackDumpIo</c> (3).</summary>
    KbCallbackDumpIo = 3,

    /// <summary><c>KbCallbackAddPages</c> (4).</summary>
    KbCallbackAddPages = 4,

    /// <summary><c>KbCallbackSecondaryMultiPartDumpData</c> (5).</summary>
    KbCallbackSecondaryMultiPartDumpData = 5,

    /// <summary><c>KbCallbackRemovePages</c> (6).</summary>
    KbCallbackRemovePages = 6,

    /// <summary><c>KbCallbackTriageDumpData</c> (7).</summary>
    KbCallbackTriageDumpData = 7,

    /// <summary><c>KbCallbackReserved2</c> (8).</summary>
    KbCallbackReserved2 = 8,

    /// <summary><c>KbCallbackReserved3</c> (9).</summary>
    KbCallbackReserved3 = 9,
}
