namespace BugCheckCallbacks.Interop;

/// <summary>Converts between the wdm.h enumerations and their managed twins; every conversion is checked.</summary>
public static class NativeConversions
{
    /// <summary>Converts a reason to <c>KBUGCHECK_CALLBACK_REASON</c>.</summary>
    /// <param name="reason">A defined reason.</param>
    /// <returns>The native member with the same value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    public static KBUGCHECK_CALLBACK_REASON ToNative(this BugCheckCallbackReason reason) =>
        (uint)reason <= (uint)BugCheckCallbackReason.Reserved3
            ? (KBUGCHECK_CALLBACK_REASON)reason
            : throw Undefined(nameof(reason), (int)reason, "BugCheckCallbackReason");

    /// <summary>Converts a <c>KBUGCHECK_CALLBACK_REASON</c> to its managed twin.</summary>
    /// <param name="reason">A defined native reason.</param>
    /// <returns>The managed member with the same value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="reason"/> is not a defined member.</exception>
    public static BugCheckCallbackReason ToManaged(this KBUGCHECK_CALLBACK_REASON reason) =>
        (uint)reason <= (uint)KBUGCHECK_CALLBACK_REASON.KbCallbackReserved3
            ? (BugCheckCallbackReason)reason
            : throw Undefined(nameof(reason), (int)reason, "KBUGCHECK_CALLBACK_REASON");

    /// <summary>Converts a dump I/O type to <c>KBUGCHECK_DUMP_IO_TYPE</c>.</summary>
    /// <param name="type">A defined type.</param>
    /// <returns>The native member with the same value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined member.</exception>
    public static KBUGCHECK_DUMP_IO_TYPE ToNative(this DumpIoType type) =>
        (uint)type <= (uint)DumpIoType.Complete
            ? (KBUGCHECK_DUMP_IO_TYPE)type
            : throw Undefined(nameof(type), (int)type, "DumpIoType");

    /// <summary>Converts a <c>KBUGCHECK_DUMP_IO_TYPE</c> to its managed twin.</summary>
    /// <param name="type">A defined native type.</param>
    /// <returns>The managed member with the same value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="type"/> is not a defined member.</exception>
    public static DumpIoType ToManaged(this KBUGCHECK_DUMP_IO_TYPE type) =>
        (uint)type <= (uint)KBUGCHECK_DUMP_IO_TYPE.KbDumpIoComplete
            ? (DumpIoType)type
            : throw Undefined(nameof(type), (int)type, "KBUGCHECK_DUMP_IO_TYPE");

    /// <summary>Converts a buffer state to <c>KBUGCHECK_BUFFER_DUMP_STATE</c>.</summary>
    /// <param name="state">A defined state.</param>
    /// <returns>The native member with the same value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not a defined member.</exception>
    public static KBUGCHECK_BUFFER_DUMP_STATE ToNative(this BufferDumpState state) =>
        state <= BufferDumpState.Incomplete
            ? (KBUGCHECK_BUFFER_DUMP_STATE)state
            : throw Undefined(nameof(state), (int)state, "BufferDumpState");

    /// <summary>Converts a <c>KBUGCHECK_BUFFER_DUMP_STATE</c> to its managed twin.</summary>
    /// <param name="state">A defined native state.</param>
    /// <returns>The managed member with the same value.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="state"/> is not a defined member.</exception>
    public static BufferDumpState ToManaged(this KBUGCHECK_BUFFER_DUMP_STATE state) =>
        (uint)state <= (uint)KBUGCHECK_BUFFER_DUMP_STATE.BufferIncomplete
            ? (BufferDumpState)state
            : throw Undefined(nameof(state), (int)state, "KBUGCHECK_BUFFER_DUMP_STATE");

    private static ArgumentOutOfRangeException Undefined(string parameterName, int value, string typeName) =>
        new(parameterName, value, $"{value} is not a defined {typeName} member.");
}
