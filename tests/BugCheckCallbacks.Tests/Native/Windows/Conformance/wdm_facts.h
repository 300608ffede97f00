/*
 * Every layout fact include/bugcheck_callbacks.h shares with wdm.h, as an X-macro list: the x64 size of each type, the
 * offset and size of each field, the value of each enumerator and constant. WdmConformanceTests compiles the list with
 * mingw-w64 twice, once against our header (ours.c) and once against mingw-w64's real <ddk/wdm.h> (theirs.c); each
 * fact is a _Static_assert, so both compile only when both headers agree with every number here, and so with each other.
 *
 * What mingw-w64's wdm.h (Debian bookworm, mingw-w64 10.0) does not have, and so is kept from the documentation alone:
 * KbCallbackReserved2 (8), KBUGCHECK_REMOVE_PAGES, KBUGCHECK_SECONDARY_DUMP_DATA_EX, KBUGCHECK_TRIAGE_DUMP_DATA,
 * KTRIAGE_DUMP_DATA_ARRAY, KADDRESS_RANGE, POOL_FLAG_* and ExAllocatePool2, KeInitializeTriageDumpDataArray and
 * KeAddTriageDumpDataBlock (docs/native.md, "The header and the real wdm.h").
 */
#define BCC_WDM_FACTS(SIZE, FIELD, VALUE)                                              \
    SIZE(UCHAR, 1) SIZE(BOOLEAN, 1) SIZE(CHAR, 1) SIZE(CSHORT, 2) SIZE(USHORT, 2)      \
    SIZE(WCHAR, 2) SIZE(LONG, 4) SIZE(ULONG, 4) SIZE(NTSTATUS, 4) SIZE(KIRQL, 1)       \
    SIZE(LONGLONG, 8) SIZE(ULONGLONG, 8) SIZE(ULONG64, 8) SIZE(ULONG_PTR, 8)           \
    SIZE(SIZE_T, 8) SIZE(PVOID, 8)                                                      \
                                                                                        \
    SIZE(GUID, 0x10)                                                                    \
    FIELD(GUID, Data1, 0x0, 4) FIELD(GUID, Data2, 0x4, 2) FIELD(GUID, Data3, 0x6, 2)   \
    FIELD(GUID, Data4, 0x8, 8)                                                          \
    SIZE(LIST_ENTRY, 0x10)                                                              \
    FIELD(LIST_ENTRY, Flink, 0x0, 8) FIELD(LIST_ENTRY, Blink, 0x8, 8)                  \
    SIZE(UNICODE_STRING, 0x10)                                                          \
    FIELD(UNICODE_STRING, Length, 0x0, 2) FIELD(UNICODE_STRING, MaximumLength, 0x2, 2) \
    FIELD(UNICODE_STRING, Buffer, 0x8, 8)                                               \
                                                                                        \
    SIZE(KBUGCHECK_CALLBACK_REASON, 4)                                                  \
    VALUE(KbCallbackInvalid, 0) VALUE(KbCallbackReserved1, 1)                           \
    VALUE(KbCallbackSecondaryDumpData, 2) VALUE(KbCallbackDumpIo, 3)                    \
    VALUE(KbCallbackAddPages, 4) VALUE(KbCallbackSecondaryMultiPartDumpData, 5)         \
    VALUE(KbCallbackRemovePages, 6) VALUE(KbCallbackTriageDumpData, 7)                  \
    SIZE(KBUGCHECK_BUFFER_DUMP_STATE, 4)                                                \
    VALUE(BufferEmpty, 0) VALUE(BufferInserted, 1) VALUE(BufferStarted, 2)              \
    VALUE(BufferFinished, 3) VALUE(BufferIncomplete, 4)                                 \
    SIZE(KBUGCHECK_DUMP_IO_TYPE, 4)                                                     \
    VALUE(KbDumpIoInvalid, 0) VALUE(KbDumpIoHeader, 1) VALUE(KbDumpIoBody, 2)           \
    VALUE(KbDumpIoSecondaryData, 3) VALUE(KbDumpIoComplete, 4)                          \
                                                                                        \
    SIZE(KBUGCHECK_REASON_CALLBACK_RECORD, 0x30)                                        \
    FIELD(KBUGCHECK_REASON_CALLBACK_RECORD, Entry, 0x00, 0x10)                          \
    FIELD(KBUGCHECK_REASON_CALLBACK_RECORD, CallbackRoutine, 0x10, 8)                   \
    FIELD(KBUGCHECK_REASON_CALLBACK_RECORD, Component, 0x18, 8)                         \
    FIELD(KBUGCHECK_REASON_CALLBACK_RECORD, Checksum, 0x20, 8)                          \
    FIELD(KBUGCHECK_REASON_CALLBACK_RECORD, Reason, 0x28, 4)                            \
    FIELD(KBUGCHECK_REASON_CALLBACK_RECORD, State, 0x2C, 1)                             \
    SIZE(KBUGCHECK_CALLBACK_RECORD, 0x40)                                               \
    FIELD(KBUGCHECK_CALLBACK_RECORD, Entry, 0x00, 0x10)                                 \
    FIELD(KBUGCHECK_CALLBACK_RECORD, CallbackRoutine, 0x10, 8)                          \
    FIELD(KBUGCHECK_CALLBACK_RECORD, Buffer, 0x18, 8)                                   \
    FIELD(KBUGCHECK_CALLBACK_RECORD, Length, 0x20, 4)                                   \
    FIELD(KBUGCHECK_CALLBACK_RECORD, Component, 0x28, 8)                                \
    FIELD(KBUGCHECK_CALLBACK_RECORD, Checksum, 0x30, 8)                                 \
    FIELD(KBUGCHECK_CALLBACK_RECORD, State, 0x38, 1)                                    \
    SIZE(KBUGCHECK_SECONDARY_DUMP_DATA, 0x30)                                           \
    FIELD(KBUGCHECK_SECONDARY_DUMP_DATA, InBuffer, 0x00, 8)                             \
    FIELD(KBUGCHECK_SECONDARY_DUMP_DATA, InBufferLength, 0x08, 4)                       \
    FIELD(KBUGCHECK_SECONDARY_DUMP_DATA, MaximumAllowed, 0x0C, 4)                       \
    FIELD(KBUGCHECK_SECONDARY_DUMP_DATA, Guid, 0x10, 0x10)                              \
    FIELD(KBUGCHECK_SECONDARY_DUMP_DATA, OutBuffer, 0x20, 8)                            \
    FIELD(KBUGCHECK_SECONDARY_DUMP_DATA, OutBufferLength, 0x28, 4)                      \
    SIZE(KBUGCHECK_DUMP_IO, 0x18)                                                       \
    FIELD(KBUGCHECK_DUMP_IO, Offset, 0x00, 8)                                           \
    FIELD(KBUGCHECK_DUMP_IO, Buffer, 0x08, 8)                                           \
    FIELD(KBUGCHECK_DUMP_IO, BufferLength, 0x10, 4)                                     \
    FIELD(KBUGCHECK_DUMP_IO, Type, 0x14, 4)                                             \
    SIZE(KBUGCHECK_ADD_PAGES, 0x20)                                                     \
    FIELD(KBUGCHECK_ADD_PAGES, Context, 0x00, 8)                                        \
    FIELD(KBUGCHECK_ADD_PAGES, Flags, 0x08, 4)                                          \
    FIELD(KBUGCHECK_ADD_PAGES, BugCheckCode, 0x0C, 4)                                   \
    FIELD(KBUGCHECK_ADD_PAGES, Address, 0x10, 8)                                        \
    FIELD(KBUGCHECK_ADD_PAGES, Count, 0x18, 8)                                          \
    VALUE(KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS, 0x00000001UL)                              \
    VALUE(KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS, 0x00000002UL)                             \
    VALUE(KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST, 0x80000000UL)                      \
                                                                                        \
    SIZE(DRIVER_OBJECT, 0x150)                                                          \
    FIELD(DRIVER_OBJECT, Type, 0x00, 2) FIELD(DRIVER_OBJECT, Size, 0x02, 2)            \
    FIELD(DRIVER_OBJECT, DeviceObject, 0x08, 8) FIELD(DRIVER_OBJECT, Flags, 0x10, 4)   \
    FIELD(DRIVER_OBJECT, DriverStart, 0x18, 8) FIELD(DRIVER_OBJECT, DriverSize, 0x20, 4) \
    FIELD(DRIVER_OBJECT, DriverSection, 0x28, 8)                                        \
    FIELD(DRIVER_OBJECT, DriverExtension, 0x30, 8)                                      \
    FIELD(DRIVER_OBJECT, DriverName, 0x38, 0x10)                                        \
    FIELD(DRIVER_OBJECT, HardwareDatabase, 0x48, 8)                                     \
    FIELD(DRIVER_OBJECT, FastIoDispatch, 0x50, 8)                                       \
    FIELD(DRIVER_OBJECT, DriverInit, 0x58, 8)                                           \
    FIELD(DRIVER_OBJECT, DriverStartIo, 0x60, 8)                                        \
    FIELD(DRIVER_OBJECT, DriverUnload, 0x68, 8)                                         \
    FIELD(DRIVER_OBJECT, MajorFunction, 0x70, 0xE0)                                     \
    VALUE(IRP_MJ_MAXIMUM_FUNCTION, 0x1B)                                                \
                                                                                        \
    SIZE(POOL_TYPE, 4)                                                                  \
    VALUE(NonPagedPool, 0) VALUE(NonPagedPoolExecute, 0) VALUE(PagedPool, 1)            \
    VALUE(NonPagedPoolNx, 512)                                                          \
    VALUE(PASSIVE_LEVEL, 0) VALUE(APC_LEVEL, 1) VALUE(DISPATCH_LEVEL, 2)                \
    VALUE(HIGH_LEVEL, 15)                                                               \
    VALUE(STATUS_SUCCESS, 0x00000000) VALUE(STATUS_UNSUCCESSFUL, (NTSTATUS)0xC0000001)  \
    VALUE(STATUS_QUOTA_EXCEEDED, (NTSTATUS)0xC0000044)                                  \
    VALUE(STATUS_INSUFFICIENT_RESOURCES, (NTSTATUS)0xC000009A)                          \
    VALUE(STATUS_INVALID_PARAMETER_2, (NTSTATUS)0xC00000F0)                             \
    VALUE(STATUS_INVALID_PARAMETER_3, (NTSTATUS)0xC00000F1)                             \
    VALUE(STATUS_INVALID_DEVICE_STATE, (NTSTATUS)0xC0000184)

#define BCC_ASSERT_SIZE(type, size) _Static_assert(sizeof(type) == (size), "sizeof(" #type ") is not " #size);
#define BCC_ASSERT_FIELD(type, field, offset, size)                                               \
    _Static_assert(offsetof(type, field) == (offset), #type "." #field " is not at " #offset);    \
    _Static_assert(sizeof(((type *)0)->field) == (size), #type "." #field " is not " #size " bytes");
#define BCC_ASSERT_VALUE(name, value) _Static_assert((name) == (value), #name " is not " #value);

BCC_WDM_FACTS(BCC_ASSERT_SIZE, BCC_ASSERT_FIELD, BCC_ASSERT_VALUE)

#if defined(BCC_WRONG_FACT)
/* WdmConformanceTests' proof that a fact bites: a number neither header has. */
BCC_ASSERT_FIELD(KBUGCHECK_REASON_CALLBACK_RECORD, Reason, 0x2C, 4)
#endif
