/*
 * A clean kernel-mode driver for the inspection tests: built by mingw-w64 from its real <ddk/wdm.h> against
 * libntoskrnl.a, at -O0 and -O2. One callback per reason (1 to 7) and one classic callback, each with a record and a
 * routine of its own, registered one by one (no loop) with their results checked, all deregistered in DriverUnload.
 */
#include <ddk/wdm.h>

DRIVER_INITIALIZE DriverEntry;

static KBUGCHECK_REASON_CALLBACK_RECORD RecordReserved1, RecordSecondary, RecordDumpIo, RecordAddPages, RecordMultiPart, RecordRemovePages, RecordTriage;
static KBUGCHECK_CALLBACK_RECORD RecordClassic;
static UCHAR ClassicBuffer[64];
static UCHAR Blob[64];

#define ROUTINE(name)                                                                                                  \
    static VOID NTAPI name(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length) \
    {                                                                                                                  \
        UNREFERENCED_PARAMETER(reason);                                                                                \
        UNREFERENCED_PARAMETER(record);                                                                                \
        UNREFERENCED_PARAMETER(data);                                                                                  \
        UNREFERENCED_PARAMETER(length);                                                                                \
        Blob[0]++;                                                                                                     \
    }

ROUTINE(OnReserved1)
ROUTINE(OnDumpIo)
ROUTINE(OnAddPages)
ROUTINE(OnMultiPart)
ROUTINE(OnRemovePages)
ROUTINE(OnTriage)

static VOID NTAPI OnSecondary(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length)
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
    KeDeregisterBugCheckReasonCallback(&RecordTriage);
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
    REGISTER(RecordReserved1, OnReserved1, KbCallbackReserved1);
    REGISTER(RecordSecondary, OnSecondary, KbCallbackSecondaryDumpData);
    REGISTER(RecordDumpIo, OnDumpIo, KbCallbackDumpIo);
    REGISTER(RecordAddPages, OnAddPages, KbCallbackAddPages);
    REGISTER(RecordMultiPart, OnMultiPart, KbCallbackSecondaryMultiPartDumpData);
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
