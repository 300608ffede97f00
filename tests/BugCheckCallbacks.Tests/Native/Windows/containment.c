/*
 * The header's Windows fault and hang containment, run as a program (WindowsContainmentTests builds it with mingw-w64
 * and runs it under Wine when both are on the machine): the trampolines called directly, as the loader calls them,
 * with a stand-in kernel table. Prints one line per check, "ok <name>" or "FAIL <name>: <why>", and exits 1 on any
 * failure.
 */
#include "bugcheck_callbacks.h"

#include <stdio.h>

__declspec(dllimport) PVOID __stdcall CreateThread(PVOID attributes, SIZE_T stack, unsigned long(__stdcall *start)(PVOID), PVOID parameter, unsigned long flags, unsigned long *id);
__declspec(dllimport) unsigned long __stdcall WaitForSingleObject(PVOID handle, unsigned long milliseconds);
__declspec(dllimport) int __stdcall GetExitCodeThread(PVOID thread, unsigned long *code);

extern char __ImageBase[]; /* the linker's name for this image's first byte */

static volatile uintptr_t s_wild = 0x10;
static volatile uintptr_t s_zero;
static volatile int s_sink;
static volatile int s_spin = 1;
static int s_failures;
static char *volatile s_image;
static volatile ULONG s_imageSize;
static ULONG s_bugChecks;

static VOID StandInBugCheck(ULONG code, ULONG_PTR p1, ULONG_PTR p2, ULONG_PTR p3, ULONG_PTR p4)
{
    (void)code; (void)p1; (void)p2; (void)p3; (void)p4;
    s_bugChecks++;
}

static BCC_KERNEL_ROUTINES s_kernel;

NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath)
{
    UNREFERENCED_PARAMETER(DriverObject);
    UNREFERENCED_PARAMETER(RegistryPath);
    return STATUS_SUCCESS;
}

static VOID WriteWild(PVOID buffer, ULONG length) { (void)buffer; (void)length; *(volatile int *)s_wild = 1; }
static VOID ReadWild(PVOID buffer, ULONG length) { (void)buffer; (void)length; s_sink = *(volatile int *)(s_wild + 0xFFFF0000u); }
static VOID CallNull(PVOID buffer, ULONG length) { (void)buffer; (void)length; ((VOID(*)(void))s_zero)(); }
static VOID Illegal(PVOID buffer, ULONG length) { (void)buffer; (void)length; __asm__ volatile("ud2"); }
static VOID Divide(PVOID buffer, ULONG length) { (void)buffer; (void)length; s_sink = (int)(s_wild / s_zero); }
static VOID Returns(PVOID buffer, ULONG length) { (void)buffer; (void)length; s_sink = 2; }
static VOID BugChecks(PVOID buffer, ULONG length) { (void)buffer; (void)length; KeBugCheckEx(0xE2, 1, 2, 3, 4); }
static VOID Spins(PVOID buffer, ULONG length) { (void)buffer; (void)length; while (s_spin) { s_sink++; } }

static VOID ReasonWrites(KBUGCHECK_CALLBACK_REASON reason, PKBUGCHECK_REASON_CALLBACK_RECORD record, PVOID data, ULONG length)
{
    (void)reason; (void)record; (void)data; (void)length;
    *(volatile int *)s_wild = 1;
}

static NTSTATUS EntryFaults(PDRIVER_OBJECT driver, PUNICODE_STRING path)
{
    (void)driver; (void)path;
    s_sink = *(volatile int *)s_wild;
    return STATUS_SUCCESS;
}

static void Check(int condition, const char *name, const char *why)
{
    if (condition) {
        printf("ok %s\n", name);
    } else {
        printf("FAIL %s: %s\n", name, why);
        s_failures++;
    }
}

#define AT_INSTRUCTION ((uintptr_t)-1) /* a fault that touches no address: the record names the instruction */

static void Faults(const char *name, PKBUGCHECK_CALLBACK_ROUTINE routine, uint32_t code, LONG access, uintptr_t address, int atAddress)
{
    BCC_FAULT fault;
    int result = 0;
    int i;
    int same = 1;
    for (i = 0; i < 1000 && same; i++) { /* a thousand times: each landing leaves the stack and the handler as they were */
        result = BccDriverGlue.InvokeClassicRoutine(routine, NULL, 0);
        BccDriverGlue.TakeFault(&fault);
        int inImage = (char *)fault.Instruction >= s_image && (char *)fault.Instruction < s_image + s_imageSize;
        same = result == 2 && (uint32_t)fault.Signal == code && fault.Code == access
            && (address == AT_INSTRUCTION ? fault.Address == fault.Instruction && inImage : (uintptr_t)fault.Address == address)
            && (atAddress ? (uintptr_t)fault.Instruction == address : inImage);
    }
    if (!same) {
        printf("  result %d, exception 0x%08X, access %ld, address %p, instruction %p (image at %p)\n", result, (unsigned)fault.Signal, (long)fault.Code, fault.Address, fault.Instruction, (void *)s_image);
    }
    Check(same, name, "the trampoline did not return 2 with the fault described, every time");
}

static unsigned long __stdcall RunSpinner(PVOID parameter)
{
    BCC_FAULT *fault = (BCC_FAULT *)parameter;
    int result = BccDriverGlue.InvokeClassicRoutine(Spins, NULL, 0);
    BccDriverGlue.TakeFault(fault);
    return (unsigned long)result;
}

static ULONG ImageSize(void)
{
    const unsigned char *base = (const unsigned char *)__ImageBase;
    uint32_t peOffset = *(const uint32_t *)(base + 0x3C);
    return *(const uint32_t *)(base + peOffset + 0x18 + 0x38); /* IMAGE_OPTIONAL_HEADER64.SizeOfImage */
}

int main(void)
{
    BCC_FAULT fault;
    NTSTATUS status = 0;
    int result;
    int asked = 0;
    unsigned long exitCode = 99;
    PVOID thread;
    char *start = __ImageBase;
    s_image = start;
    s_imageSize = ImageSize();

    s_kernel.Size = sizeof(s_kernel);
    s_kernel.KeBugCheckEx = StandInBugCheck;
    BccDriverGlue.Kernel = &s_kernel;

    Check(BccDriverGlue.Interrupt() == 0, "no routine running: nothing to interrupt", "Interrupt said a routine was running");
    Check(BccDriverGlue.ContainFaults(1, start, start + ImageSize(), "containment.exe") == 1, "the handler installs", "ContainFaults(1) failed");

    Faults("a write through a wild pointer", WriteWild, 0xC0000005u, 1, 0x10, 0);
    Faults("a read through a wild pointer", ReadWild, 0xC0000005u, 0, 0xFFFF0010u, 0);
    Faults("a call through NULL", CallNull, 0xC0000005u, 8, 0, 1);
    Faults("an illegal instruction", Illegal, 0xC000001Du, 0, AT_INSTRUCTION, 0);
    Faults("a division by zero", Divide, 0xC0000094u, 0, AT_INSTRUCTION, 0);

    result = BccDriverGlue.InvokeReasonRoutine(ReasonWrites, KbCallbackSecondaryDumpData, NULL, NULL, 0);
    BccDriverGlue.TakeFault(&fault);
    Check(result == 2 && (uint32_t)fault.Signal == 0xC0000005u, "a reason routine's fault is contained", "InvokeReasonRoutine did not return 2");
    result = BccDriverGlue.InvokeDriverEntry(EntryFaults, NULL, NULL, &status);
    Check(result == 2, "a DriverEntry fault is contained", "InvokeDriverEntry did not return 2");

    Check(BccDriverGlue.InvokeClassicRoutine(Returns, NULL, 0) == 0 && s_sink == 2, "a routine that returns returns 0", "it did not");
    result = BccDriverGlue.InvokeClassicRoutine(BugChecks, NULL, 0);
    Check(result == 1 && s_bugChecks == 1, "KeBugCheckEx inside a routine unwinds to the trampoline (1)", "it did not");

    thread = CreateThread(NULL, 0, RunSpinner, &fault, 0, NULL);
    while (WaitForSingleObject(thread, 20) != 0 && asked < 250) { /* up to 5 s, as the kernel asks */
        if (BccDriverGlue.Interrupt()) {
            asked++;
        }
    }
    s_spin = 0;
    WaitForSingleObject(thread, 5000);
    GetExitCodeThread(thread, &exitCode);
    CloseHandle(thread);
    Check(asked > 0 && exitCode == 2 && (uint32_t)fault.Signal == 0xE0424343u && (char *)fault.Instruction >= start && (char *)fault.Instruction < start + ImageSize(),
        "a routine that spins is interrupted and its thread returns 2", "it was not interrupted");

    Check(BccDriverGlue.ContainFaults(0, NULL, NULL, NULL) == 1, "the handler comes out", "ContainFaults(0) failed");
    printf("%d failed\n", s_failures);
    return s_failures == 0 ? 0 : 1;
}
