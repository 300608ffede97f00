/*
 * A driver for WindowsHostTests, built by mingw-w64 as a DLL and loaded into .NET on Windows (under Wine): one
 * SecondaryDumpData callback that writes through a wild pointer, one that adds 64 bytes under a tag, and, built with
 * -DHANG, one that never returns.
 */
#include "bugcheck_callbacks.h"

static volatile uintptr_t s_wild = 0x10;
static volatile int s_spin = 1;
static volatile int s_sink;
static KBUGCHECK_REASON_CALLBACK_RECORD s_faults;
static KBUGCHECK_REASON_CALLBACK_RECORD s_good;
static UCHAR s_blob[64];

static VOID Faults(KBUGCHECK_CALLBACK_REASON reason, PKBUGCHECK_REASON_CALLBACK_RECORD record, PVOID data, ULONG length)
{
    UNREFERENCED_PARAMETER(reason); UNREFERENCED_PARAMETER(record); UNREFERENCED_PARAMETER(data); UNREFERENCED_PARAMETER(length);
    *(volatile int *)s_wild = 1;
}

static VOID Good(KBUGCHECK_CALLBACK_REASON reason, PKBUGCHECK_REASON_CALLBACK_RECORD record, PVOID data, ULONG length)
{
    static const GUID tag = { 0x6b3f1a2c, 0x4d5e, 0x4f60, { 0x8a, 0x7b, 0x9c, 0x0d, 0x1e, 0x2f, 0x3a, 0x4b } };
    PKBUGCHECK_SECONDARY_DUMP_DATA secondary = (PKBUGCHECK_SECONDARY_DUMP_DATA)data;
    int i;
    UNREFERENCED_PARAMETER(reason); UNREFERENCED_PARAMETER(record); UNREFERENCED_PARAMETER(length);
    for (i = 0; i < 64; i++) {
        s_blob[i] = (UCHAR)(i * 3);
    }
    secondary->Guid = tag;
    secondary->OutBuffer = s_blob;
    secondary->OutBufferLength = sizeof(s_blob);
}

#if defined(HANG)
static KBUGCHECK_REASON_CALLBACK_RECORD s_hangs;

static VOID Hangs(KBUGCHECK_CALLBACK_REASON reason, PKBUGCHECK_REASON_CALLBACK_RECORD record, PVOID data, ULONG length)
{
    UNREFERENCED_PARAMETER(reason); UNREFERENCED_PARAMETER(record); UNREFERENCED_PARAMETER(data); UNREFERENCED_PARAMETER(length);
    while (s_spin) {
        s_sink++;
    }
}
#endif

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    KeInitializeCallbackRecord(&s_faults);
    KeInitializeCallbackRecord(&s_good);
    if (!KeRegisterBugCheckReasonCallback(&s_faults, Faults, KbCallbackSecondaryDumpData, (PUCHAR)"fault.sys")
        || !KeRegisterBugCheckReasonCallback(&s_good, Good, KbCallbackSecondaryDumpData, (PUCHAR)"good.sys")) {
        return STATUS_UNSUCCESSFUL;
    }
#if defined(HANG)
    KeInitializeCallbackRecord(&s_hangs);
    if (!KeRegisterBugCheckReasonCallback(&s_hangs, Hangs, KbCallbackSecondaryDumpData, (PUCHAR)"hang.sys")) {
        return STATUS_UNSUCCESSFUL;
    }
#endif
    return STATUS_SUCCESS;
}
