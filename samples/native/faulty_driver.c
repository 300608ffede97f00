/*
 * faulty_driver.c - the storage driver's faulty twin: each callback breaks the contract in one way the verifier knows,
 * and its component string names the rule (docs/native.md lists what each one commits). The tests load it and expect
 * exactly these violations.
 *
 *     cc -shared -fPIC -I ../../include faulty_driver.c -o libfaulty_driver.so
 *
 * A fault in C (a wild write, a null dereference) is not among them: on the host it stops the process (docs/native.md).
 */
#include <bugcheck_callbacks.h>
#include <time.h>

/* {5D6C1F0E-2B3A-4C59-8E7D-6F5A4B3C2D1E}: one tag for two records, a DuplicateGuid */
DEFINE_GUID(SharedTag, 0x5d6c1f0e, 0x2b3a, 0x4c59, 0x8e, 0x7d, 0x6f, 0x5a, 0x4b, 0x3c, 0x2d, 0x1e);

#define FAULTY_TAG 'tluF'
#define KERNEL_VA 0xFFFF800000000000ULL

/* Set by a test (through the export) to make the hang callback hang, then to let it go. */
BCC_EXPORT volatile LONG FaultyHang = 0;
BCC_EXPORT volatile LONG FaultyRelease = 0;

static KBUGCHECK_REASON_CALLBACK_RECORD Records[17];
static UCHAR Data[64];
static PUCHAR SmallPool;       /* 16 bytes of pool */
static PKTRIAGE_DUMP_DATA_ARRAY LargeArray;
static PKTRIAGE_DUMP_DATA_ARRAY TinyArray;

static VOID Slow(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID Data_, ULONG Length)
{
    clock_t start = clock();
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Data_); UNREFERENCED_PARAMETER(Length);
    while (clock() - start < CLOCKS_PER_SEC / 20) {
        /* 50 ms of processor time */
    }
}

static VOID Allocates(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID Data_, ULONG Length)
{
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Data_); UNREFERENCED_PARAMETER(Length);
    if (ExAllocatePool2(POOL_FLAG_NON_PAGED, 128, FAULTY_TAG) != NULL) {
        KeBugCheckEx(0xBAD0A110, 0, 0, 0, 0); /* never: pool at HIGH_LEVEL returns NULL */
    }
}

static VOID BugChecks(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID Data_, ULONG Length)
{
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Data_); UNREFERENCED_PARAMETER(Length);
    KeBugCheckEx(0xDEADDEAD, 1, 2, 3, 4);
}

static VOID Hangs(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID Data_, ULONG Length)
{
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Data_); UNREFERENCED_PARAMETER(Length);
    while (FaultyHang && !FaultyRelease) {
        /* spins at HIGH_LEVEL until a test lets it go */
    }
}

static VOID IgnoresMaximumAllowed(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    if (data->OutBuffer == NULL) { /* the sizing pass: the space it will use */
        data->OutBufferLength = 8;
    } else {
        data->Guid = SharedTag;
        data->OutBuffer = Data;
        data->OutBufferLength = data->MaximumAllowed + 8;
    }
}

static VOID PastItsBuffer(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    if (data->OutBuffer == NULL) { /* the sizing pass: the space it will use */
        data->OutBufferLength = 64;
    } else {
        data->Guid.Data1 = 0x0B0F;
        data->OutBuffer = SmallPool;      /* 16 bytes */
        data->OutBufferLength = 64;
    }
}

static VOID NoGuid(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    if (data->OutBuffer == NULL) { /* the sizing pass: the space it will use */
        data->OutBufferLength = 8;
    } else {
        data->OutBuffer = Data;
        data->OutBufferLength = 8;
    }
}

static VOID SharedTagTwice(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    if (data->OutBuffer == NULL) { /* the sizing pass: the space it will use */
        data->OutBufferLength = 8;
    } else {
        data->Guid = SharedTag;
        data->OutBuffer = Data;
        data->OutBufferLength = 8;
    }
}

static VOID WildPointer(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    if (data->OutBuffer == NULL) { /* the sizing pass: the space it will use */
        data->OutBufferLength = 8;
    } else {
        data->Guid.Data1 = 0x3117D;
        data->OutBuffer = (PVOID)(ULONG_PTR)0x10; /* a stale pointer */
        data->OutBufferLength = 8;
    }
}

static VOID NoProgress(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_SECONDARY_DUMP_DATA_EX data = (PKBUGCHECK_SECONDARY_DUMP_DATA_EX)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    data->Flags = KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA; /* and no data */
}

static VOID BothSpaces(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_ADD_PAGES data = (PKBUGCHECK_ADD_PAGES)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    data->Flags = KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS | KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS;
    data->Address = (ULONG_PTR)KERNEL_VA;
    data->Count = 1;
}

static VOID NoPages(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_ADD_PAGES data = (PKBUGCHECK_ADD_PAGES)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    data->Flags = KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS;
    data->Address = (ULONG_PTR)KERNEL_VA;
    data->Count = 0;
}

static VOID OutsideTheMap(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_ADD_PAGES data = (PKBUGCHECK_ADD_PAGES)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    data->Flags = KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS;
    data->Address = (ULONG_PTR)0xFFFFF00000000000ULL; /* memory the machine does not have */
    data->Count = 1;
}

static VOID NeverEnds(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    PKBUGCHECK_REMOVE_PAGES data = (PKBUGCHECK_REMOVE_PAGES)ReasonSpecificData;
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    data->Flags = KB_REMOVE_PAGES_FLAG_PHYSICAL_ADDRESS | KB_REMOVE_PAGES_FLAG_ADDITIONAL_RANGES_EXIST;
    data->Address = 0x100000;
    data->Count = 1;
}

static VOID TooMuchTriage(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    ((PKBUGCHECK_TRIAGE_DUMP_DATA)ReasonSpecificData)->DataArray = LargeArray; /* 3 MiB; MaxVirtMemSize is 1 MiB */
}

static VOID OverflowedTriage(KBUGCHECK_CALLBACK_REASON Reason, PKBUGCHECK_REASON_CALLBACK_RECORD Record, PVOID ReasonSpecificData, ULONG Length)
{
    UNREFERENCED_PARAMETER(Reason); UNREFERENCED_PARAMETER(Record); UNREFERENCED_PARAMETER(Length);
    ((PKBUGCHECK_TRIAGE_DUMP_DATA)ReasonSpecificData)->DataArray = TinyArray; /* its second block did not fit */
}

static BOOLEAN Register(ULONG index, PKBUGCHECK_REASON_CALLBACK_ROUTINE routine, KBUGCHECK_CALLBACK_REASON reason, const char *component)
{
    KeInitializeCallbackRecord(&Records[index]);
    return KeRegisterBugCheckReasonCallback(&Records[index], routine, reason, (PUCHAR)component);
}

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    const ULONG largeSize = sizeof(KTRIAGE_DUMP_DATA_ARRAY) + 2 * sizeof(KADDRESS_RANGE);
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);

    SmallPool = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, 16, FAULTY_TAG);
    LargeArray = (PKTRIAGE_DUMP_DATA_ARRAY)ExAllocatePool2(POOL_FLAG_NON_PAGED, largeSize, FAULTY_TAG);
    TinyArray = (PKTRIAGE_DUMP_DATA_ARRAY)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(KTRIAGE_DUMP_DATA_ARRAY), FAULTY_TAG);
    if (SmallPool == NULL || LargeArray == NULL || TinyArray == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    KeInitializeTriageDumpDataArray(LargeArray, largeSize);
    KeAddTriageDumpDataBlock(LargeArray, (PVOID)(ULONG_PTR)KERNEL_VA, 0x200000);
    KeAddTriageDumpDataBlock(LargeArray, (PVOID)(ULONG_PTR)(KERNEL_VA + 0x200000), 0x100000);
    KeInitializeTriageDumpDataArray(TinyArray, sizeof(KTRIAGE_DUMP_DATA_ARRAY));
    KeAddTriageDumpDataBlock(TinyArray, (PVOID)(ULONG_PTR)KERNEL_VA, 0x100);
    KeAddTriageDumpDataBlock(TinyArray, (PVOID)(ULONG_PTR)(KERNEL_VA + 0x1000), 0x100); /* fails: one slot */

    return Register(0, Slow, KbCallbackReserved1, "faulty.slow") &&
        Register(1, Allocates, KbCallbackReserved1, "faulty.allocates") &&
        Register(2, BugChecks, KbCallbackReserved1, "faulty.bugchecks") &&
        Register(3, Hangs, KbCallbackReserved1, "faulty.hangs") &&
        Register(4, IgnoresMaximumAllowed, KbCallbackSecondaryDumpData, "faulty.maximum") &&
        Register(5, PastItsBuffer, KbCallbackSecondaryDumpData, "faulty.pastbuffer") &&
        Register(6, NoGuid, KbCallbackSecondaryDumpData, "faulty.noguid") &&
        Register(7, SharedTagTwice, KbCallbackSecondaryDumpData, "faulty.sharedtag") &&
        Register(16, SharedTagTwice, KbCallbackSecondaryDumpData, "faulty.sharedtag.again") &&
        Register(8, WildPointer, KbCallbackSecondaryDumpData, "faulty.wildpointer") &&
        Register(9, NoProgress, KbCallbackSecondaryMultiPartDumpData, "faulty.noprogress") &&
        Register(10, BothSpaces, KbCallbackAddPages, "faulty.bothspaces") &&
        Register(11, NoPages, KbCallbackAddPages, "faulty.nopages") &&
        Register(12, OutsideTheMap, KbCallbackAddPages, "faulty.outsidemap") &&
        Register(13, NeverEnds, KbCallbackRemovePages, "faulty.neverends") &&
        Register(14, TooMuchTriage, KbCallbackTriageDumpData, "faulty.toomuchtriage") &&
        Register(15, OverflowedTriage, KbCallbackTriageDumpData, "faulty.overflow")
        ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL;
}
