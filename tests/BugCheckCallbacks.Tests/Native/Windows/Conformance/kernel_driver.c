/*
 * A real x64 kernel-mode driver: built by mingw-w64 from its real <ddk/wdm.h> and linked against libntoskrnl.a as a
 * .sys (PE32+, subsystem native, entry DriverEntry), it registers one bug-check callback of each reason mingw-w64's
 * wdm.h names (1 to 7) and one classic callback, and deregisters them all in DriverUnload. KernelImageTests builds it and
 * checks its headers and imports; it is a fixture for reading driver binaries (issue 41). Never loaded here.
 */
#include <ddk/wdm.h>

DRIVER_INITIALIZE DriverEntry;

static KBUGCHECK_REASON_CALLBACK_RECORD s_records[7];
static KBUGCHECK_CALLBACK_RECORD s_classic;
static UCHAR s_classicBuffer[64];
static UCHAR s_blob[64];
static const GUID s_tag = { 0x6b3f1a2c, 0x4d5e, 0x4f60, { 0x8a, 0x7b, 0x9c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b } };

static VOID NTAPI OnReason(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length)
{
    UNREFERENCED_PARAMETER(record);
    UNREFERENCED_PARAMETER(length);
    if (reason == KbCallbackSecondaryDumpData) {
        PKBUGCHECK_SECONDARY_DUMP_DATA secondary = (PKBUGCHECK_SECONDARY_DUMP_DATA)data;
        secondary->Guid = s_tag;
        secondary->OutBuffer = s_blob;
        secondary->OutBufferLength = sizeof(s_blob);
    }
}

static VOID NTAPI OnClassic(PVOID buffer, ULONG length)
{
    UNREFERENCED_PARAMETER(buffer);
    UNREFERENCED_PARAMETER(length);
}

static VOID NTAPI Unload(PDRIVER_OBJECT driver)
{
    ULONG i;
    UNREFERENCED_PARAMETER(driver);
    for (i = 0; i < 7; i++) {
        KeDeregisterBugCheckReasonCallback(&s_records[i]);
    }
    KeDeregisterBugCheckCallback(&s_classic);
}

NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING registryPath)
{
    static const KBUGCHECK_CALLBACK_REASON reasons[7] = {
        KbCallbackReserved1, KbCallbackSecondaryDumpData, KbCallbackDumpIo, KbCallbackAddPages,
        KbCallbackSecondaryMultiPartDumpData, KbCallbackRemovePages, KbCallbackTriageDumpData,
    };
    ULONG i;
    UNREFERENCED_PARAMETER(registryPath);
    PKBUGCHECK_CALLBACK_RECORD classic = &s_classic;
    for (i = 0; i < 7; i++) {
        /* wdm.h's macro does not parenthesize its argument (CallbackRecord->State): it takes a pointer, not &record. */
        PKBUGCHECK_REASON_CALLBACK_RECORD record = &s_records[i];
        KeInitializeCallbackRecord(record);
        if (!KeRegisterBugCheckReasonCallback(record, OnReason, reasons[i], (PUCHAR)"kernel_driver")) {
            return STATUS_UNSUCCESSFUL;
        }
    }
    KeInitializeCallbackRecord(classic);
    if (!KeRegisterBugCheckCallback(classic, OnClassic, s_classicBuffer, sizeof(s_classicBuffer), (PUCHAR)"kernel_driver")) {
        return STATUS_UNSUCCESSFUL;
    }
    driver->DriverUnload = Unload;
    return STATUS_SUCCESS;
}
