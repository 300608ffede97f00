/*
 * A clean kernel-mode driver for the inspection tests: built by mingw-w64 from its real <ddk/wdm.h> against
 * libntoskrnl.a, at -O0 and -O2. One callback per reason (1 to 7) and one classic callback, each with a record and a
 * routine of its own, registered one by one (no loop) with their results checked, all deregistered in DriverUnload.
 *
 * Built with one DEFECT_* macro, it has that one defect and is otherwise the same:
 *   DEFECT_INIT_CALLBACK     the SecondaryDumpData routine in INIT (the tests mark INIT discardable, as link /DRIVER does)
 *   DEFECT_PAGED_CALLBACK    the DumpIo routine in PAGE
 *   DEFECT_PAGED_RECORD      the AddPages record in PAGEDATA
 *   DEFECT_IGNORED_RESULT    the SecondaryMultiPartDumpData registration's result dropped
 *   DEFECT_NOT_DEREGISTERED  the TriageDumpData record never deregistered
 *   DEFECT_ALLOCATES         the AddPages routine allocates pool, two calls deep
 *   DEFECT_WAITS             the TriageDumpData routine waits (KeDelayExecutionThread)
 *   DEFECT_STACK_RECORD      the Reserved1 record a local variable of DriverEntry
 */
#include <ddk/wdm.h>

#if defined(DEFECT_INIT_CALLBACK)
#define SECONDARY_PLACE __attribute__((section("INIT")))
#else
#define SECONDARY_PLACE
#endif
#if defined(DEFECT_PAGED_CALLBACK)
#define DUMPIO_PLACE __attribute__((section("PAGE")))
#else
#define DUMPIO_PLACE
#endif
#if defined(DEFECT_PAGED_RECORD)
#define ADDPAGES_RECORD_PLACE __attribute__((section("PAGEDATA")))
#else
#define ADDPAGES_RECORD_PLACE
#endif

DRIVER_INITIALIZE DriverEntry;

static KBUGCHECK_REASON_CALLBACK_RECORD RecordReserved1, RecordSecondary, RecordDumpIo, RecordMultiPart, RecordRemovePages, RecordTriage;
ADDPAGES_RECORD_PLACE static KBUGCHECK_REASON_CALLBACK_RECORD RecordAddPages;
static KBUGCHECK_CALLBACK_RECORD RecordClassic;
static UCHAR ClassicBuffer[64];
static UCHAR Blob[64];

#define ROUTINE(name) PLACED_ROUTINE(name, )
#define PLACED_ROUTINE(name, place)                                                                                    \
    place static VOID NTAPI name(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length) \
    {                                                                                                                  \
        UNREFERENCED_PARAMETER(reason);                                                                                \
        UNREFERENCED_PARAMETER(record);                                                                                \
        UNREFERENCED_PARAMETER(data);                                                                                  \
        UNREFERENCED_PARAMETER(length);                                                                                \
        Blob[0]++;                                                                                                     \
    }

ROUTINE(OnReserved1)
PLACED_ROUTINE(OnDumpIo, DUMPIO_PLACE)
ROUTINE(OnMultiPart)
ROUTINE(OnRemovePages)

#if defined(DEFECT_ALLOCATES)
__attribute__((noinline)) static PVOID Allocate(SIZE_T size)
{
    return ExAllocatePoolWithTag(NonPagedPoolNx, size, 0x74736554); /* 'Test' */
}

__attribute__((noinline)) static VOID Remember(ULONG length)
{
    Blob[1] = (UCHAR)(Allocate(length) != NULL);
}

static VOID NTAPI OnAddPages(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length)
{
    UNREFERENCED_PARAMETER(reason);
    UNREFERENCED_PARAMETER(record);
    UNREFERENCED_PARAMETER(data);
    Remember(length);
}
#else
ROUTINE(OnAddPages)
#endif

#if defined(DEFECT_WAITS)
static VOID NTAPI OnTriage(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length)
{
    LARGE_INTEGER interval;
    UNREFERENCED_PARAMETER(reason);
    UNREFERENCED_PARAMETER(record);
    UNREFERENCED_PARAMETER(data);
    UNREFERENCED_PARAMETER(length);
    interval.QuadPart = -10000;
    KeDelayExecutionThread(KernelMode, FALSE, &interval);
}
#else
ROUTINE(OnTriage)
#endif

SECONDARY_PLACE static VOID NTAPI OnSecondary(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length)
{
    static const GUID tag = { 0x6b3f1a2c, 0x4d5e, 0x4f60, { 0x8a, 0x7b, 0x9c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b } };
    PKBUGCHECK_SECONDARY_DUMP_DATA secondary = (PKBUGCHECK_SECONDARY_DUMP_DATA)data;
    UNREFERENCED_PARAMETER(reason);
    UNREFERENCED_PARAMETER(record);
    UNREFERENCED_PARAMETER(length);
    secondary->Guid = tag;
    secondary->OutBuffer = Blob;
    secondary->OutBufferLength = sizeof(Blob);
}

static VOID NTAPI OnClassic(PVOID buffer, ULONG length)
{
    UNREFERENCED_PARAMETER(buffer);
    UNREFERENCED_PARAMETER(length);
}

static VOID NTAPI Unload(PDRIVER_OBJECT driver)
{
    UNREFERENCED_PARAMETER(driver);
    KeDeregisterBugCheckReasonCallback(&RecordReserved1);
    KeDeregisterBugCheckReasonCallback(&RecordSecondary);
    KeDeregisterBugCheckReasonCallback(&RecordDumpIo);
    KeDeregisterBugCheckReasonCallback(&RecordAddPages);
    KeDeregisterBugCheckReasonCallback(&RecordMultiPart);
    KeDeregisterBugCheckReasonCallback(&RecordRemovePages);
#if !defined(DEFECT_NOT_DEREGISTERED)
    KeDeregisterBugCheckReasonCallback(&RecordTriage);
#endif
    KeDeregisterBugCheckCallback(&RecordClassic);
}

#define REGISTER(record, routine, reason)                                                                              \
    do {                                                                                                               \
        PKBUGCHECK_REASON_CALLBACK_RECORD r = &(record);                                                               \
        KeInitializeCallbackRecord(r);                                                                                 \
        if (!KeRegisterBugCheckReasonCallback(r, routine, reason, (PUCHAR)"clean_driver")) {                           \
            return STATUS_UNSUCCESSFUL;                                                                                \
        }                                                                                                              \
    } while (0)

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registryPath)
{
    UNREFERENCED_PARAMETER(registryPath);
#if defined(DEFECT_STACK_RECORD)
    KBUGCHECK_REASON_CALLBACK_RECORD local;
    REGISTER(local, OnReserved1, KbCallbackReserved1);
#else
    REGISTER(RecordReserved1, OnReserved1, KbCallbackReserved1);
#endif
    REGISTER(RecordSecondary, OnSecondary, KbCallbackSecondaryDumpData);
    REGISTER(RecordDumpIo, OnDumpIo, KbCallbackDumpIo);
    REGISTER(RecordAddPages, OnAddPages, KbCallbackAddPages);
#if defined(DEFECT_IGNORED_RESULT)
    KeInitializeCallbackRecord((&RecordMultiPart));
    KeRegisterBugCheckReasonCallback(&RecordMultiPart, OnMultiPart, KbCallbackSecondaryMultiPartDumpData, (PUCHAR)"clean_driver");
#else
    REGISTER(RecordMultiPart, OnMultiPart, KbCallbackSecondaryMultiPartDumpData);
#endif
    REGISTER(RecordRemovePages, OnRemovePages, KbCallbackRemovePages);
    REGISTER(RecordTriage, OnTriage, KbCallbackTriageDumpData);
    do {
        PKBUGCHECK_CALLBACK_RECORD classic = &RecordClassic; /* set in the block of the call, as REGISTER does */
        KeInitializeCallbackRecord(classic);
        if (!KeRegisterBugCheckCallback(classic, OnClassic, ClassicBuffer, sizeof(ClassicBuffer), (PUCHAR)"clean_driver")) {
            return STATUS_UNSUCCESSFUL;
        }
    } while (0);
    driver->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
