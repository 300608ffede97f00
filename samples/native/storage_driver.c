/*
 * storage_driver.c - a sample driver's bug-check callbacks, written as in a real driver: a log as secondary data, a
 * ring of records in parts, the device's state page added to the dump, and the state as a triage block for minidumps.
 *
 * Build for the simulated kernel (docs/native.md):
 *     cc -shared -fPIC -I ../../include storage_driver.c -o libstorage_driver.so
 * In a real driver, replace the include with <wdm.h>; nothing else changes.
 */
#include <bugcheck_callbacks.h>

/* {8D0F3C52-9A41-4B7E-A1C3-2E5F6A7B8C9D} */
DEFINE_GUID(LogTag, 0x8d0f3c52, 0x9a41, 0x4b7e, 0xa1, 0xc3, 0x2e, 0x5f, 0x6a, 0x7b, 0x8c, 0x9d);
/* {0C1D2E3F-4A5B-4C6D-8E9F-A0B1C2D3E4F5} */
DEFINE_GUID(RingTag, 0x0c1d2e3f, 0x4a5b, 0x4c6d, 0x8e, 0x9f, 0xa0, 0xb1, 0xc2, 0xd3, 0xe4, 0xf5);

#define LOG_SIZE 1024
#define PART_SIZE 256
#define PART_COUNT 4
#define STATE_SIZE 0x200
#define STORAGE_TAG 'gtSB'

static KBUGCHECK_REASON_CALLBACK_RECORD LogRecord;
static KBUGCHECK_REASON_CALLBACK_RECORD RingRecord;
static KBUGCHECK_REASON_CALLBACK_RECORD StateRecord;
static KBUGCHECK_REASON_CALLBACK_RECORD TriageRecord;
static UCHAR Log[LOG_SIZE];
static PUCHAR Ring;                    /* nonpaged pool, allocated in DriverEntry */
static PUCHAR DeviceState;             /* nonpaged pool: the device's state, added to kernel dumps and triage dumps */
static PKTRIAGE_DUMP_DATA_ARRAY TriageArray;

static KBUGCHECK_REASON_CALLBACK_ROUTINE LogCallback;
static KBUGCHECK_REASON_CALLBACK_ROUTINE RingCallback;
static KBUGCHECK_REASON_CALLBACK_ROUTINE StateCallback;
static KBUGCHECK_REASON_CALLBACK_ROUTINE TriageCallback;
static DRIVER_UNLOAD StorageUnload;

/* The whole log, or nothing when MaximumAllowed leaves no room for it. */
static VOID LogCallback(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG ReasonSpecificDataLength)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason);
    UNREFERENCED_PARAMETER(Record);
    if (ReasonSpecificDataLength < sizeof(KBUGCHECK_SECONDARY_DUMP_DATA)) {
        return;
    }

    if (data->OutBuffer == NULL) { /* the sizing pass */
        data->OutBufferLength = LOG_SIZE;
        return;
    }

    if (data->MaximumAllowed < LOG_SIZE) {
        return;
    }

    data->Guid = LogTag;
    data->OutBuffer = Log;
    data->OutBufferLength = LOG_SIZE;
}

/* One part of the ring per call; Context counts the parts written. */
static VOID RingCallback(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG ReasonSpecificDataLength)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA_EX data = (PKBUGCHECK_SECONDARY_DUMP_DATA_EX)ReasonSpecificData;
    ULONG_PTR part = (ULONG_PTR)data->Context;
    UNREFERENCED_PARAMETER(Reason);
    UNREFERENCED_PARAMETER(Record);
    UNREFERENCED_PARAMETER(ReasonSpecificDataLength);
    if (data->MaximumAllowed < PART_SIZE || part >= PART_COUNT) {
        return;
    }

    data->Guid = RingTag;
    data->OutBuffer = Ring + part * PART_SIZE;
    data->OutBufferLength = PART_SIZE;
    data->Context = (PVOID)(part + 1);
    data->Flags = part + 1 < PART_COUNT ? KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA : 0;
}

/* The device's state page, in kernel and complete dumps. */
static VOID StateCallback(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG ReasonSpecificDataLength)
{
    PKBUGCHECK_ADD_PAGES data = (PKBUGCHECK_ADD_PAGES)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason);
    UNREFERENCED_PARAMETER(Record);
    UNREFERENCED_PARAMETER(ReasonSpecificDataLength);
    data->Flags = KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS;
    data->Address = (ULONG_PTR)DeviceState;
    data->Count = 1;
}

/* The device's state, in triage (mini) dumps; the array was built in DriverEntry. */
static VOID TriageCallback(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG ReasonSpecificDataLength)
{
    PKBUGCHECK_TRIAGE_DUMP_DATA data = (PKBUGCHECK_TRIAGE_DUMP_DATA)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason);
    UNREFERENCED_PARAMETER(Record);
    UNREFERENCED_PARAMETER(ReasonSpecificDataLength);
    if ((data->Flags & KB_TRIAGE_DUMP_DATA_FLAG_BUGCHECK_ACTIVE) != 0 && data->MaxVirtMemSize >= STATE_SIZE) {
        data->DataArray = TriageArray;
    }
}

static VOID StorageUnload(PDRIVER_OBJECT DriverObject)
{
    UNREFERENCED_PARAMETER(DriverObject);
    KeDeregisterBugCheckReasonCallback(&TriageRecord);
    KeDeregisterBugCheckReasonCallback(&StateRecord);
    KeDeregisterBugCheckReasonCallback(&RingRecord);
    KeDeregisterBugCheckReasonCallback(&LogRecord);
    ExFreePoolWithTag(TriageArray, STORAGE_TAG);
    ExFreePoolWithTag(DeviceState, STORAGE_TAG);
    ExFreePoolWithTag(Ring, STORAGE_TAG);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    ULONG i;
    const ULONG arraySize = sizeof(KTRIAGE_DUMP_DATA_ARRAY) + sizeof(KADDRESS_RANGE);
    UNREFERENCED_PARAMETER(RegistryPath);

    for (i = 0; i < LOG_SIZE; i++) {
        Log[i] = (UCHAR)i;
    }

    Ring = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, PART_SIZE * PART_COUNT, STORAGE_TAG);
    DeviceState = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, STATE_SIZE, STORAGE_TAG);
    TriageArray = (PKTRIAGE_DUMP_DATA_ARRAY)ExAllocatePool2(POOL_FLAG_NON_PAGED, arraySize, STORAGE_TAG);
    if (Ring == NULL || DeviceState == NULL || TriageArray == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    RtlFillMemory(Ring, PART_SIZE * PART_COUNT, 0xAB);
    RtlCopyMemory(DeviceState, "STORAGE DEVICE STATE: online", sizeof("STORAGE DEVICE STATE: online"));
    if (!NT_SUCCESS(KeInitializeTriageDumpDataArray(TriageArray, arraySize)) ||
        !NT_SUCCESS(KeAddTriageDumpDataBlock(TriageArray, DeviceState, STATE_SIZE))) {
        return STATUS_UNSUCCESSFUL;
    }

    KeInitializeCallbackRecord(&LogRecord);
    KeInitializeCallbackRecord(&RingRecord);
    KeInitializeCallbackRecord(&StateRecord);
    KeInitializeCallbackRecord(&TriageRecord);
    if (!KeRegisterBugCheckReasonCallback(&LogRecord, LogCallback, KbCallbackSecondaryDumpData, (PUCHAR)"storage") ||
        !KeRegisterBugCheckReasonCallback(&RingRecord, RingCallback, KbCallbackSecondaryMultiPartDumpData, (PUCHAR)"storage") ||
        !KeRegisterBugCheckReasonCallback(&StateRecord, StateCallback, KbCallbackAddPages, (PUCHAR)"storage") ||
        !KeRegisterBugCheckReasonCallback(&TriageRecord, TriageCallback, KbCallbackTriageDumpData, (PUCHAR)"storage")) {
        return STATUS_UNSUCCESSFUL;
    }

    DriverObject->DriverUnload = StorageUnload;
    return STATUS_SUCCESS;
}
