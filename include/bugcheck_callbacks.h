/*
 * bugcheck_callbacks.h - the Windows bug-check callback contract for a driver compiled for the host, so that its
 * callbacks run through the BugCheckCallbacks simulated kernel (docs/native.md).
 *
 * Written by the BugCheckCallbacks project from the documented contract (the wdm.h reference pages on Microsoft Learn);
 * nothing here is copied from the WDK. Include it instead of <wdm.h>:
 *
 *     cc -shared -fPIC -I <this folder> driver.c -o libdriver.so          (Linux)
 *     cc -shared -fPIC -I <this folder> driver.c -o libdriver.dylib       (macOS)
 *     x86_64-w64-mingw32-gcc -shared -I <this folder> driver.c -o driver.dll (Windows; or clang)
 *
 * Nothing is linked: the kernel routines are inline wrappers over a table the loader fills in (BccDriverGlue), and the
 * glue's own code is in this header. Every structure has the x64 layout on any 64-bit host (LP64 or LLP64): the
 * integer types have fixed widths and the layouts are asserted below.
 *
 * MIT License. Copyright (c) BugCheckCallbacks contributors.
 */
#ifndef BUGCHECK_CALLBACKS_H
#define BUGCHECK_CALLBACKS_H

/* Fault containment needs POSIX signals (sigaction, sigsetjmp), which a strict -std=c11 hides: ask for them, which works
 * when this header comes before any system header (or the build defines _XOPEN_SOURCE, _POSIX_C_SOURCE or _GNU_SOURCE). */
#if !defined(_WIN32) && !defined(__APPLE__) && !defined(_POSIX_C_SOURCE) && !defined(_XOPEN_SOURCE) && !defined(_GNU_SOURCE) && !defined(_DEFAULT_SOURCE)
#define _XOPEN_SOURCE 700 /* POSIX 2008 and XSI: sigaction, sigsetjmp, SA_ONSTACK, ucontext_t */
#endif

#include <setjmp.h>
#if !defined(_WIN32)
#include <signal.h>
#if defined(SA_SIGINFO)
#include <pthread.h>
#include <sys/ucontext.h>
#include <unistd.h>
#define BCC_CONTAIN_FAULTS 1
#endif
/* Without SA_SIGINFO (a system header came first under a strict -std): the driver loads, but its faults are not contained
 * (the loader says so); include this header first, or build with -D_XOPEN_SOURCE=700. */
#elif defined(__x86_64__) && defined(__MINGW32__)
/* Windows x64 built against mingw-w64 (by its gcc, or by clang for x86_64-w64-windows-gnu): a vectored exception
 * handler and msvcrt's jump that does not unwind (_setjmp with no frame). Built for MSVC's runtime (cl, clang-cl), the
 * driver loads with its faults not contained (the loader says so). */
#define BCC_CONTAIN_FAULTS_WIN64 1
#endif
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#define BCC_STATIC_ASSERT(condition, message) static_assert(condition, message)
#else
#define BCC_STATIC_ASSERT(condition, message) _Static_assert(condition, message)
#endif

#if defined(_WIN32)
#define BCC_EXPORT __declspec(dllexport)
#define BCC_SHARED __declspec(selectany)   /* one definition however many files include the header */
#else
#define BCC_EXPORT __attribute__((visibility("default")))
#define BCC_SHARED __attribute__((weak))   /* one definition however many files include the header */
#endif

#if defined(_MSC_VER) && !defined(__clang__)
#define BCC_NORETURN __declspec(noreturn)
#define BCC_INLINE static __inline
#else
#define BCC_NORETURN __attribute__((noreturn))
#define BCC_INLINE static inline
#endif

#if defined(__GNUC__) || defined(__clang__)
/* Pool tags are written as multi-character constants ('gaT1') in every driver; MSVC accepts them silently. */
#pragma GCC diagnostic ignored "-Wmultichar"
#endif

BCC_STATIC_ASSERT(sizeof(void *) == 8, "BugCheckCallbacks runs x64 callbacks: build for a 64-bit host (x64 or arm64).");

/* ---- Basic types (fixed widths, so LP64 and LLP64 hosts agree) ---------------------------------------------------- */

#define VOID void
#define NTAPI
#define IN
#define OUT
#define OPTIONAL
#define _In_
#define _In_opt_
#define _Out_
#define _Inout_
#define _Inout_opt_
#define _Use_decl_annotations_
#define _IRQL_requires_max_(irql)
#define _Function_class_(name)
#define UNREFERENCED_PARAMETER(p) ((void)(p))
#define ANYSIZE_ARRAY 1
#ifndef TRUE
#define TRUE 1
#define FALSE 0
#endif
#ifndef NULL
#define NULL ((void *)0)
#endif

typedef void *PVOID;
typedef char CHAR, *PCHAR;
typedef uint8_t UCHAR, *PUCHAR;
typedef uint8_t BOOLEAN, *PBOOLEAN;
typedef int16_t CSHORT;
typedef uint16_t USHORT, *PUSHORT;
typedef uint16_t WCHAR, *PWCH, *PWSTR; /* UTF-16 as on Windows, not the host's wchar_t */
typedef int32_t LONG, *PLONG;
typedef uint32_t ULONG, *PULONG;
typedef int64_t LONG64, LONGLONG;
typedef uint64_t ULONG64, ULONGLONG, *PULONG64;
typedef uintptr_t ULONG_PTR, *PULONG_PTR, SIZE_T;
typedef int32_t NTSTATUS;
typedef uint8_t KIRQL, *PKIRQL;

#define NT_SUCCESS(Status) (((NTSTATUS)(Status)) >= 0)
#define STATUS_SUCCESS ((NTSTATUS)0x00000000L)
#define STATUS_UNSUCCESSFUL ((NTSTATUS)0xC0000001L)
#define STATUS_QUOTA_EXCEEDED ((NTSTATUS)0xC0000044L)
#define STATUS_INSUFFICIENT_RESOURCES ((NTSTATUS)0xC000009AL)
#define STATUS_INVALID_PARAMETER_2 ((NTSTATUS)0xC00000F0L)
#define STATUS_INVALID_PARAMETER_3 ((NTSTATUS)0xC00000F1L)
#define STATUS_INVALID_DEVICE_STATE ((NTSTATUS)0xC0000184L)

#define PASSIVE_LEVEL 0
#define APC_LEVEL 1
#define DISPATCH_LEVEL 2
#define HIGH_LEVEL 15

#ifndef GUID_DEFINED
#define GUID_DEFINED
typedef struct _GUID {
    ULONG Data1;
    USHORT Data2;
    USHORT Data3;
    UCHAR Data4[8];
} GUID;
#endif
#define DEFINE_GUID(name, l, w1, w2, b1, b2, b3, b4, b5, b6, b7, b8) \
    static const GUID name = { l, w1, w2, { b1, b2, b3, b4, b5, b6, b7, b8 } }

typedef struct _LIST_ENTRY {
    struct _LIST_ENTRY *Flink;
    struct _LIST_ENTRY *Blink;
} LIST_ENTRY, *PLIST_ENTRY;

typedef struct _UNICODE_STRING {
    USHORT Length;        /* bytes, without a terminator */
    USHORT MaximumLength;
    PWSTR Buffer;
} UNICODE_STRING, *PUNICODE_STRING;

#define RtlZeroMemory(Destination, Length) memset((Destination), 0, (Length))
#define RtlFillMemory(Destination, Length, Fill) memset((Destination), (Fill), (Length))
#define RtlCopyMemory(Destination, Source, Length) memcpy((Destination), (Source), (Length))
#define RtlMoveMemory(Destination, Source, Length) memmove((Destination), (Source), (Length))
#define RtlEqualMemory(Destination, Source, Length) (!memcmp((Destination), (Source), (Length)))

/* ---- The bug-check callback contract (wdm.h) ---------------------------------------------------------------------- */

typedef enum _KBUGCHECK_CALLBACK_REASON {
    KbCallbackInvalid,
    KbCallbackReserved1,
    KbCallbackSecondaryDumpData,
    KbCallbackDumpIo,
    KbCallbackAddPages,
    KbCallbackSecondaryMultiPartDumpData,
    KbCallbackRemovePages,
    KbCallbackTriageDumpData,
    KbCallbackReserved2,
    KbCallbackReserved3
} KBUGCHECK_CALLBACK_REASON;

typedef enum _KBUGCHECK_BUFFER_DUMP_STATE {
    BufferEmpty,
    BufferInserted,
    BufferStarted,
    BufferFinished,
    BufferIncomplete
} KBUGCHECK_BUFFER_DUMP_STATE;

typedef enum _KBUGCHECK_DUMP_IO_TYPE {
    KbDumpIoInvalid,
    KbDumpIoHeader,
    KbDumpIoBody,
    KbDumpIoSecondaryData,
    KbDumpIoComplete
} KBUGCHECK_DUMP_IO_TYPE;

#define KB_SECONDARY_DATA_FLAG_ADDITIONAL_DATA 0x00000001
#define KB_SECONDARY_DATA_FLAG_NO_DEVICE_ACCESS 0x00000002
#define KB_ADD_PAGES_FLAG_VIRTUAL_ADDRESS 0x00000001
#define KB_ADD_PAGES_FLAG_PHYSICAL_ADDRESS 0x00000002
#define KB_ADD_PAGES_FLAG_ADDITIONAL_RANGES_EXIST 0x80000000
#define KB_REMOVE_PAGES_FLAG_VIRTUAL_ADDRESS 0x00000001
#define KB_REMOVE_PAGES_FLAG_PHYSICAL_ADDRESS 0x00000002
#define KB_REMOVE_PAGES_FLAG_ADDITIONAL_RANGES_EXIST 0x80000000
#define KB_TRIAGE_DUMP_DATA_FLAG_BUGCHECK_ACTIVE 0x00000001
#define KE_MAX_TRIAGE_DUMP_DATA_MEMORY_SIZE 0x02000000

#define DUMP_TYPE_INVALID (-1)
#define DUMP_TYPE_UNKNOWN 0
#define DUMP_TYPE_FULL 1
#define DUMP_TYPE_SUMMARY 2
#define DUMP_TYPE_HEADER 3
#define DUMP_TYPE_TRIAGE 4
#define DUMP_TYPE_BITMAP_FULL 5
#define DUMP_TYPE_BITMAP_KERNEL 6
#define DUMP_TYPE_AUTOMATIC 7

struct _KBUGCHECK_REASON_CALLBACK_RECORD;

typedef VOID KBUGCHECK_REASON_CALLBACK_ROUTINE(
    KBUGCHECK_CALLBACK_REASON Reason,
    struct _KBUGCHECK_REASON_CALLBACK_RECORD *Record,
    PVOID ReasonSpecificData,
    ULONG ReasonSpecificDataLength);
typedef KBUGCHECK_REASON_CALLBACK_ROUTINE *PKBUGCHECK_REASON_CALLBACK_ROUTINE;

typedef struct _KBUGCHECK_REASON_CALLBACK_RECORD {
    LIST_ENTRY Entry;
    PKBUGCHECK_REASON_CALLBACK_ROUTINE CallbackRoutine;
    PUCHAR Component;
    ULONG_PTR Checksum;
    KBUGCHECK_CALLBACK_REASON Reason;
    UCHAR State;
} KBUGCHECK_REASON_CALLBACK_RECORD, *PKBUGCHECK_REASON_CALLBACK_RECORD;

typedef VOID KBUGCHECK_CALLBACK_ROUTINE(PVOID Buffer, ULONG Length);
typedef KBUGCHECK_CALLBACK_ROUTINE *PKBUGCHECK_CALLBACK_ROUTINE;

typedef struct _KBUGCHECK_CALLBACK_RECORD {
    LIST_ENTRY Entry;
    PKBUGCHECK_CALLBACK_ROUTINE CallbackRoutine;
    PVOID Buffer;
    ULONG Length;
    PUCHAR Component;
    ULONG_PTR Checksum;
    UCHAR State;
} KBUGCHECK_CALLBACK_RECORD, *PKBUGCHECK_CALLBACK_RECORD;

typedef struct _KBUGCHECK_SECONDARY_DUMP_DATA {
    PVOID InBuffer;
    ULONG InBufferLength;
    ULONG MaximumAllowed;
    GUID Guid;
    PVOID OutBuffer;
    ULONG OutBufferLength;
} KBUGCHECK_SECONDARY_DUMP_DATA, *PKBUGCHECK_SECONDARY_DUMP_DATA;

typedef struct _KBUGCHECK_SECONDARY_DUMP_DATA_EX {
    PVOID InBuffer;
    ULONG InBufferLength;
    ULONG MaximumAllowed;
    GUID Guid;
    PVOID OutBuffer;
    ULONG OutBufferLength;
    PVOID Context;
    ULONG Flags;
    ULONG DumpType;
    ULONG BugCheckCode;
    ULONG_PTR BugCheckParameter1;
    ULONG_PTR BugCheckParameter2;
    ULONG_PTR BugCheckParameter3;
    ULONG_PTR BugCheckParameter4;
} KBUGCHECK_SECONDARY_DUMP_DATA_EX, *PKBUGCHECK_SECONDARY_DUMP_DATA_EX;

typedef struct _KBUGCHECK_DUMP_IO {
    ULONG64 Offset; /* (ULONG64)-1: sequential */
    PVOID Buffer;
    ULONG BufferLength;
    KBUGCHECK_DUMP_IO_TYPE Type;
} KBUGCHECK_DUMP_IO, *PKBUGCHECK_DUMP_IO;

typedef struct _KBUGCHECK_ADD_PAGES {
    PVOID Context;
    ULONG Flags;
    ULONG BugCheckCode;
    ULONG_PTR Address;
    ULONG_PTR Count;
} KBUGCHECK_ADD_PAGES, *PKBUGCHECK_ADD_PAGES;

typedef struct _KBUGCHECK_REMOVE_PAGES {
    PVOID Context;
    ULONG Flags;
    ULONG BugCheckCode;
    ULONG_PTR Address;
    ULONG_PTR Count;
} KBUGCHECK_REMOVE_PAGES, *PKBUGCHECK_REMOVE_PAGES;

typedef struct _KADDRESS_RANGE {
    PVOID Address;
    SIZE_T Size;
} KADDRESS_RANGE, *PKADDRESS_RANGE;

typedef struct _KTRIAGE_DUMP_DATA_ARRAY {
    LIST_ENTRY List;
    ULONG NumBlocksUsed;
    ULONG NumBlocksTotal;
    ULONG DataSize;
    ULONG MaxDataSize;
    ULONG ComponentNameBufferLength;
    PUCHAR ComponentName;
    KADDRESS_RANGE Blocks[ANYSIZE_ARRAY];
} KTRIAGE_DUMP_DATA_ARRAY, *PKTRIAGE_DUMP_DATA_ARRAY;

typedef struct _KBUGCHECK_TRIAGE_DUMP_DATA {
    PKTRIAGE_DUMP_DATA_ARRAY DataArray;
    ULONG Flags;
    ULONG MaxVirtMemSize;
    ULONG BugCheckCode;
    ULONG_PTR BugCheckParameter1;
    ULONG_PTR BugCheckParameter2;
    ULONG_PTR BugCheckParameter3;
    ULONG_PTR BugCheckParameter4;
} KBUGCHECK_TRIAGE_DUMP_DATA, *PKBUGCHECK_TRIAGE_DUMP_DATA;

/* ---- The driver object and pool (wdm.h; only what DriverEntry and a callback use) --------------------------------- */

struct _DRIVER_OBJECT;
typedef NTSTATUS DRIVER_INITIALIZE(struct _DRIVER_OBJECT *DriverObject, PUNICODE_STRING RegistryPath);
typedef DRIVER_INITIALIZE *PDRIVER_INITIALIZE;
typedef VOID DRIVER_UNLOAD(struct _DRIVER_OBJECT *DriverObject);
typedef DRIVER_UNLOAD *PDRIVER_UNLOAD;

#define IO_TYPE_DRIVER 4
#define IRP_MJ_MAXIMUM_FUNCTION 0x1b

typedef struct _DRIVER_OBJECT {
    CSHORT Type;
    CSHORT Size;
    PVOID DeviceObject;
    ULONG Flags;
    PVOID DriverStart;
    ULONG DriverSize;
    PVOID DriverSection;
    PVOID DriverExtension;
    UNICODE_STRING DriverName;
    PUNICODE_STRING HardwareDatabase;
    PVOID FastIoDispatch;
    PDRIVER_INITIALIZE DriverInit;
    PVOID DriverStartIo;
    PDRIVER_UNLOAD DriverUnload;
    PVOID MajorFunction[IRP_MJ_MAXIMUM_FUNCTION + 1];
} DRIVER_OBJECT, *PDRIVER_OBJECT;

typedef ULONG64 POOL_FLAGS;
#define POOL_FLAG_USE_QUOTA 0x0000000000000001ULL
#define POOL_FLAG_UNINITIALIZED 0x0000000000000002ULL
#define POOL_FLAG_CACHE_ALIGNED 0x0000000000000008ULL
#define POOL_FLAG_RAISE_ON_FAILURE 0x0000000000000020ULL
#define POOL_FLAG_NON_PAGED 0x0000000000000040ULL
#define POOL_FLAG_NON_PAGED_EXECUTE 0x0000000000000080ULL
#define POOL_FLAG_PAGED 0x0000000000000100ULL

typedef enum _POOL_TYPE {
    NonPagedPool = 0,
    NonPagedPoolExecute = 0,
    PagedPool = 1,
    NonPagedPoolNx = 512
} POOL_TYPE;

/* ---- How the routines reach the simulated kernel ------------------------------------------------------------------ */

/* The kernel routines; the loader points BccDriverGlue.Kernel at its table before DriverEntry. */
typedef struct _BCC_KERNEL_ROUTINES {
    ULONG Size;
    ULONG Version;
    BOOLEAN (*KeRegisterBugCheckReasonCallback)(PKBUGCHECK_REASON_CALLBACK_RECORD, PKBUGCHECK_REASON_CALLBACK_ROUTINE, KBUGCHECK_CALLBACK_REASON, PUCHAR);
    BOOLEAN (*KeDeregisterBugCheckReasonCallback)(PKBUGCHECK_REASON_CALLBACK_RECORD);
    BOOLEAN (*KeRegisterBugCheckCallback)(PKBUGCHECK_CALLBACK_RECORD, PKBUGCHECK_CALLBACK_ROUTINE, PVOID, ULONG, PUCHAR);
    BOOLEAN (*KeDeregisterBugCheckCallback)(PKBUGCHECK_CALLBACK_RECORD);
    NTSTATUS (*KeInitializeTriageDumpDataArray)(PKTRIAGE_DUMP_DATA_ARRAY, ULONG);
    NTSTATUS (*KeAddTriageDumpDataBlock)(PKTRIAGE_DUMP_DATA_ARRAY, PVOID, SIZE_T);
    KIRQL (*KeGetCurrentIrql)(void);
    VOID (*KeBugCheckEx)(ULONG, ULONG_PTR, ULONG_PTR, ULONG_PTR, ULONG_PTR);
    PVOID (*ExAllocatePool2)(POOL_FLAGS, SIZE_T, ULONG);
    PVOID (*ExAllocatePoolWithTag)(POOL_TYPE, SIZE_T, ULONG);
    VOID (*ExFreePoolWithTag)(PVOID, ULONG);
} BCC_KERNEL_ROUTINES;

#define BCC_GLUE_VERSION 2

/* A fault a routine raised and the trampoline contained: the signal, its si_code, the address it touched, and the
 * instruction that raised it (0 where the host does not say). */
typedef struct _BCC_FAULT {
    LONG Signal;
    LONG Code;
    PVOID Address;
    PVOID Instruction;
} BCC_FAULT;

/*
 * What the loader finds in the driver (the exported symbol BccDriverGlue): it fills Kernel, and calls DriverEntry and
 * every callback through the Invoke* trampolines, so that a KeBugCheckEx inside them returns to the kernel (longjmp)
 * instead of into the host, and a fault inside them (SIGSEGV, SIGBUS, SIGILL, SIGFPE) returns to the kernel as the
 * kernel's exception handler returns it, once the loader has called ContainFaults(1). A trampoline returns 0 when the
 * routine returned, 1 when it called KeBugCheckEx, 2 when it faulted (TakeFault then says how).
 */
typedef struct _BCC_DRIVER_GLUE {
    ULONG Size;
    ULONG Version;
    const BCC_KERNEL_ROUTINES *Kernel;
    int (*InvokeDriverEntry)(PDRIVER_INITIALIZE, PDRIVER_OBJECT, PUNICODE_STRING, NTSTATUS *);
    int (*InvokeReasonRoutine)(PKBUGCHECK_REASON_CALLBACK_ROUTINE, KBUGCHECK_CALLBACK_REASON, PKBUGCHECK_REASON_CALLBACK_RECORD, PVOID, ULONG);
    int (*InvokeClassicRoutine)(PKBUGCHECK_CALLBACK_ROUTINE, PVOID, ULONG);
    jmp_buf *BugCheckTarget;
    int (*ContainFaults)(int install, PVOID imageStart, PVOID imageEnd, const char *name);
    VOID (*TakeFault)(BCC_FAULT *fault);
    int (*Interrupt)(void);
    int (*InvokeDriverUnload)(PDRIVER_UNLOAD, PDRIVER_OBJECT);
} BCC_DRIVER_GLUE;

BCC_EXPORT NTSTATUS DriverEntry(PDRIVER_OBJECT DriverObject, PUNICODE_STRING RegistryPath);

static int BccInvokeDriverEntry(PDRIVER_INITIALIZE entry, PDRIVER_OBJECT driver, PUNICODE_STRING path, NTSTATUS *status);
static int BccInvokeReasonRoutine(PKBUGCHECK_REASON_CALLBACK_ROUTINE routine, KBUGCHECK_CALLBACK_REASON reason, PKBUGCHECK_REASON_CALLBACK_RECORD record, PVOID data, ULONG length);
static int BccInvokeClassicRoutine(PKBUGCHECK_CALLBACK_ROUTINE routine, PVOID buffer, ULONG length);
static int BccContainFaults(int install, PVOID imageStart, PVOID imageEnd, const char *name);
static VOID BccTakeFault(BCC_FAULT *fault);
static int BccInterrupt(void);
static int BccInvokeDriverUnload(PDRIVER_UNLOAD unload, PDRIVER_OBJECT driver);

BCC_SHARED BCC_EXPORT BCC_DRIVER_GLUE BccDriverGlue = {
    sizeof(BCC_DRIVER_GLUE), BCC_GLUE_VERSION, NULL, BccInvokeDriverEntry, BccInvokeReasonRoutine, BccInvokeClassicRoutine, NULL,
    BccContainFaults, BccTakeFault, BccInterrupt, BccInvokeDriverUnload
};

#if defined(BCC_CONTAIN_FAULTS) || defined(BCC_CONTAIN_FAULTS_WIN64)
/* Writes text to standard error where a fault is handled: each platform's, below (write, or WriteFile; printf is not
 * safe there). */
static void BccWriteError(const char *text);

/* Writes value as 0x and 16 hex digits, through BccWriteError. */
static void BccWriteHex(uintptr_t value)
{
    char digits[19];
    int i;
    digits[0] = '0';
    digits[1] = 'x';
    for (i = 0; i < 16; i++) {
        int nibble = (int)((value >> (60 - (4 * i))) & 0xF);
        digits[2 + i] = (char)(nibble < 10 ? '0' + nibble : 'A' + nibble - 10);
    }
    digits[18] = '\0';
    BccWriteError(digits);
}
#endif

#if defined(BCC_CONTAIN_FAULTS)
/*
 * Fault containment (docs/native.md, "When a routine faults"). While a trampoline runs a routine on a thread, that
 * thread's BccFaultTarget is set; the handler below, installed for the four fault signals and the kernel's interrupt
 * (SIGUSR2, "When a routine hangs"), unwinds a fault on such a thread to its trampoline (siglongjmp, which restores the
 * signal mask) and passes every other one to the handler that was installed before it (the .NET runtime's), so that a
 * managed NullReferenceException is what it always was.
 */
#define BCC_FAULT_SIGNALS 5
#define BCC_INTERRUPT_SIGNAL SIGUSR2 /* the kernel's way to stop a routine past the hang timeout (Interrupt) */
static const int BccFaultSignals[BCC_FAULT_SIGNALS] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, BCC_INTERRUPT_SIGNAL };
static struct sigaction BccPreviousActions[BCC_FAULT_SIGNALS];
static int BccInstalled;
static __thread sigjmp_buf *BccFaultTarget;
static __thread BCC_FAULT BccLastFault;
static pthread_t BccRoutineThread;          /* the thread running one of this driver's routines, while BccInRoutine */
static volatile sig_atomic_t BccInRoutine;
static char *BccImageStart;                 /* the driver's image: where an interrupt may unwind, and whose faults */
static char *BccImageEnd;                   /* outside a routine are reported before the process ends */
static char BccName[64];

/* Writes text to standard error from a signal handler (write is async-signal-safe; printf is not). */
static void BccWriteError(const char *text)
{
    size_t length = 0;
    while (text[length] != '\0') {
        length++;
    }
    if (write(2, text, length) < 0) {
        return;
    }
}

static PVOID BccInstructionPointer(void *context)
{
    ucontext_t *uc = (ucontext_t *)context;
#if defined(__linux__) && defined(__x86_64__)
    return (PVOID)((const long long *)&uc->uc_mcontext)[16]; /* gregs[REG_RIP]: gregs and REG_RIP have other names in strict modes */
#elif defined(__linux__) && defined(__aarch64__)
    return (PVOID)((const unsigned long long *)&uc->uc_mcontext)[33]; /* after fault_address, regs[31] and sp: pc */
#elif defined(__APPLE__) && defined(__x86_64__)
    return (PVOID)uc->uc_mcontext->__ss.__rip;
#elif defined(__APPLE__) && defined(__aarch64__)
    return (PVOID)uc->uc_mcontext->__ss.__pc;
#else
    (void)uc;
    return NULL;
#endif
}

static void BccOnFault(int signal, siginfo_t *info, void *context)
{
    int i;
    if (signal == BCC_INTERRUPT_SIGNAL && BccFaultTarget != NULL) {
        /* Only from the driver's own code: unwinding out of the C library or the runtime would leave them broken. The
         * kernel sends the signal again until it lands there. */
        char *ip = (char *)BccInstructionPointer(context);
        if (ip < BccImageStart || ip >= BccImageEnd) {
            return;
        }
    }

    if (BccFaultTarget != NULL) {
        BccLastFault.Signal = signal;
        BccLastFault.Code = info->si_code;
        BccLastFault.Address = info->si_addr;
        BccLastFault.Instruction = BccInstructionPointer(context);
        siglongjmp(*BccFaultTarget, 1);
    }

    if (signal != BCC_INTERRUPT_SIGNAL) {
        /* Not in a routine the kernel called (a thread of the driver's own): say whose fault ends the process. */
        char *ip = (char *)BccInstructionPointer(context);
        if (ip >= BccImageStart && ip < BccImageEnd) {
            BccWriteError("bugcheck: driver ");
            BccWriteError(BccName);
            BccWriteError(" faulted outside any routine the kernel called (signal ");
            BccWriteHex((uintptr_t)signal);
            BccWriteError(" at address ");
            BccWriteHex((uintptr_t)info->si_addr);
            BccWriteError(", instruction ");
            BccWriteError(BccName);
            BccWriteError("+");
            BccWriteHex((uintptr_t)(ip - BccImageStart));
            BccWriteError("); it cannot be contained there, and the process ends.\n");
        }
    }

    for (i = 0; i < BCC_FAULT_SIGNALS; i++) {
        if (BccFaultSignals[i] == signal) {
            struct sigaction *previous = &BccPreviousActions[i];
            if (previous->sa_flags & SA_SIGINFO) {
                previous->sa_sigaction(signal, info, context);
            } else if (signal == BCC_INTERRUPT_SIGNAL) {
                if (previous->sa_handler != SIG_DFL && previous->sa_handler != SIG_IGN) {
                    previous->sa_handler(signal); /* an interrupt that came too late is dropped, not the process */
                }
            } else if (previous->sa_handler == SIG_DFL) {
                sigaction(signal, previous, NULL); /* the fault happens again on return, and does what it did before */
            } else if (previous->sa_handler != SIG_IGN) {
                previous->sa_handler(signal);
            }
            return;
        }
    }
}

/* Installs the handler (1), or takes it out (0) when it is still the one installed: returns 1 when done, 0 when another
 * handler was installed over it since (the driver must then stay mapped: that handler passes faults on to this one). */
static int BccContainFaults(int install, PVOID imageStart, PVOID imageEnd, const char *name)
{
    int i;
    if (install) {
        struct sigaction action;
        if (BccInstalled) {
            return 1;
        }
        BccImageStart = (char *)imageStart;
        BccImageEnd = (char *)imageEnd;
        for (i = 0; i < (int)sizeof(BccName) - 1 && name != NULL && name[i] != '\0'; i++) {
            BccName[i] = name[i];
        }
        BccName[i] = '\0';
        memset(&action, 0, sizeof(action));
        action.sa_sigaction = BccOnFault;
#if defined(SA_ONSTACK)
        action.sa_flags = SA_SIGINFO | SA_ONSTACK; /* on the thread's alternate stack where it has one (the runtime's threads do) */
#else
        action.sa_flags = SA_SIGINFO;
#endif
        sigemptyset(&action.sa_mask);
        for (i = 0; i < BCC_FAULT_SIGNALS; i++) {
            if (sigaction(BccFaultSignals[i], &action, &BccPreviousActions[i]) != 0) {
                return 0;
            }
        }
        BccInstalled = 1;
        return 1;
    }

    if (!BccInstalled) {
        return 1;
    }
    for (i = 0; i < BCC_FAULT_SIGNALS; i++) {
        struct sigaction current;
        if (sigaction(BccFaultSignals[i], NULL, &current) != 0 || !(current.sa_flags & SA_SIGINFO) || current.sa_sigaction != BccOnFault) {
            return 0;
        }
    }
    for (i = 0; i < BCC_FAULT_SIGNALS; i++) {
        sigaction(BccFaultSignals[i], &BccPreviousActions[i], NULL);
    }
    BccInstalled = 0;
    return 1;
}

static VOID BccTakeFault(BCC_FAULT *fault)
{
    *fault = BccLastFault;
    memset(&BccLastFault, 0, sizeof(BccLastFault));
}

/* Interrupts the routine running now, if any: it unwinds to its trampoline when the signal finds it in the driver's
 * image. Returns 1 when a routine was running and the signal was sent. */
static int BccInterrupt(void)
{
    return BccInRoutine && pthread_kill(BccRoutineThread, BCC_INTERRUPT_SIGNAL) == 0;
}

/*
 * Each trampoline makes CALL with a KeBugCheckEx target and a fault target set, and returns 0 when it returned, 1 when
 * KeBugCheckEx unwound it, 2 when a fault did. The targets before are restored, so a trampoline inside a trampoline
 * would still unwind to the innermost one.
 */
#define BCC_TRAMPOLINE(CALL)                              \
    jmp_buf target;                                       \
    sigjmp_buf faultTarget;                               \
    jmp_buf *outer = BccDriverGlue.BugCheckTarget;        \
    sigjmp_buf *outerFault = BccFaultTarget;              \
    sig_atomic_t outerInRoutine = BccInRoutine;           \
    int result = 1;                                       \
    if (sigsetjmp(faultTarget, 1) != 0) {                 \
        result = 2;                                       \
    } else if (setjmp(target) == 0) {                     \
        BccDriverGlue.BugCheckTarget = &target;           \
        BccFaultTarget = &faultTarget;                    \
        BccRoutineThread = pthread_self();                \
        BccInRoutine = 1;                                 \
        CALL;                                             \
        result = 0;                                       \
    }                                                     \
    BccInRoutine = outerInRoutine;                        \
    BccFaultTarget = outerFault;                          \
    BccDriverGlue.BugCheckTarget = outer;                 \
    return result
#elif defined(BCC_CONTAIN_FAULTS_WIN64)
/*
 * Fault containment on Windows x64 (docs/native.md, "When a routine faults"). The handler below is a vectored exception
 * handler, called before any other (the .NET runtime's included): a hardware fault on a thread running one of this
 * driver's routines is turned into a jump to BccLand, which jumps to the trampoline (msvcrt's longjmp to a _setjmp
 * made with no frame: it restores the registers and does not unwind, as siglongjmp on POSIX; clang's __builtin_setjmp
 * lands with the wrong stack pointer on Win64); every other exception goes on to the handlers after it, as before. The interrupt
 * (Interrupt, "When a routine hangs") suspends the routine's thread and, when it is in the driver's own code, points it
 * at BccLandInterrupted. <windows.h> cannot come in (its ULONG is 32-bit unsigned long, the contract's a fixed-width
 * type), so the few kernel32 routines and structures used are declared here, with the x64 layouts.
 */
#define BCC_INTERRUPT_CODE 0xE0424343u /* "BCC" with the customer bit: not an exception Windows raises */
#define BCC_CONTEXT_SIZE 0x4D0            /* CONTEXT on x64 */
#define BCC_CONTEXT_FLAGS 0x30            /* CONTEXT.ContextFlags */
#define BCC_CONTEXT_RSP 0x98              /* CONTEXT.Rsp */
#define BCC_CONTEXT_RIP 0xF8              /* CONTEXT.Rip */
#define BCC_CONTEXT_CONTROL 0x00100001u   /* CONTEXT_AMD64 | CONTEXT_CONTROL: Rip, Rsp, segments, flags */

typedef struct _BCC_EXCEPTION_RECORD {
    uint32_t ExceptionCode;
    uint32_t ExceptionFlags;
    struct _BCC_EXCEPTION_RECORD *ExceptionRecord;
    PVOID ExceptionAddress;
    uint32_t NumberParameters;
    ULONG_PTR ExceptionInformation[15];
} BCC_EXCEPTION_RECORD;

typedef struct _BCC_EXCEPTION_POINTERS {
    BCC_EXCEPTION_RECORD *ExceptionRecord;
    unsigned char *ContextRecord;
} BCC_EXCEPTION_POINTERS;

__declspec(dllimport) PVOID __stdcall AddVectoredExceptionHandler(unsigned long First, long(__stdcall *Handler)(BCC_EXCEPTION_POINTERS *));
__declspec(dllimport) unsigned long __stdcall RemoveVectoredExceptionHandler(PVOID Handle);
__declspec(dllimport) unsigned long __stdcall GetCurrentThreadId(void);
__declspec(dllimport) PVOID __stdcall OpenThread(unsigned long DesiredAccess, int InheritHandle, unsigned long ThreadId);
__declspec(dllimport) unsigned long __stdcall SuspendThread(PVOID Thread);
__declspec(dllimport) unsigned long __stdcall ResumeThread(PVOID Thread);
__declspec(dllimport) int __stdcall GetThreadContext(PVOID Thread, PVOID Context);
__declspec(dllimport) int __stdcall SetThreadContext(PVOID Thread, const void *Context);
__declspec(dllimport) int __stdcall CloseHandle(PVOID Handle);
__declspec(dllimport) PVOID __stdcall GetStdHandle(unsigned long StdHandle);
__declspec(dllimport) int __stdcall WriteFile(PVOID File, const void *Buffer, unsigned long Length, unsigned long *Written, PVOID Overlapped);
__declspec(dllimport) unsigned long __stdcall TlsAlloc(void);
__declspec(dllimport) int __stdcall TlsFree(unsigned long Index);
__declspec(dllimport) PVOID __stdcall TlsGetValue(unsigned long Index);
__declspec(dllimport) int __stdcall TlsSetValue(unsigned long Index, PVOID Value);

#define BCC_NO_SLOT 0xFFFFFFFFu /* TLS_OUT_OF_INDEXES */

/* A trampoline's landing: where a fault or an interrupt jumps to, and what it was. */
typedef struct _BCC_LANDING {
    jmp_buf Jump;
    BCC_FAULT Fault;
} BCC_LANDING;

/* mingw-w64's own non-SEH setjmp: with no frame, msvcrt's longjmp restores the registers without unwinding. */
#define BCC_SET_LANDING(landing) _setjmp((landing).Jump, NULL)

/* Each thread's landing, while a routine runs on it, is in a TLS slot of the glue's own: the Win32 slot, not __thread,
 * which mingw-w64 builds on libgcc's emulated TLS (a libgcc_s DLL that a Windows machine does not have). */
static unsigned long BccLandingSlot = BCC_NO_SLOT;
static PVOID BccHandler;
static BCC_FAULT BccLastFault;              /* the last fault a trampoline returned, for TakeFault on that thread */
static unsigned long BccRoutineThread;      /* the thread running one of this driver's routines, while BccInRoutine */
static volatile LONG BccInRoutine;
static PVOID volatile BccInterruptedAt;     /* where the interrupt found the routine */
static char *BccImageStart;
static char *BccImageEnd;
static char BccName[64];

static void BccWriteError(const char *text)
{
    unsigned long length = 0;
    unsigned long written;
    while (text[length] != '\0') {
        length++;
    }
    WriteFile(GetStdHandle((unsigned long)-12), text, length, &written, NULL); /* STD_ERROR_HANDLE */
}

/* The hardware faults the kernel's exception handler would contain; a stack overflow is not one of them here (there is
 * no stack left to land on), nor is a breakpoint or a software exception. */
static int BccIsHardwareFault(uint32_t code)
{
    switch (code) {
    case 0xC0000005u: /* STATUS_ACCESS_VIOLATION */
    case 0xC0000006u: /* STATUS_IN_PAGE_ERROR */
    case 0x80000002u: /* STATUS_DATATYPE_MISALIGNMENT */
    case 0xC000008Cu: /* STATUS_ARRAY_BOUNDS_EXCEEDED */
    case 0xC000001Du: /* STATUS_ILLEGAL_INSTRUCTION */
    case 0xC0000096u: /* STATUS_PRIVILEGED_INSTRUCTION */
    case 0xC0000094u: /* STATUS_INTEGER_DIVIDE_BY_ZERO */
    case 0xC0000095u: /* STATUS_INTEGER_OVERFLOW */
        return 1;
    default:
        return code >= 0xC000008Du && code <= 0xC0000093u; /* STATUS_FLOAT_DENORMAL_OPERAND ... STATUS_FLOAT_UNDERFLOW */
    }
}

/* Where a contained fault or interrupt resumes the thread: a fresh frame below the faulting one, which jumps to the
 * trampoline. Never returns, and is never unwound through. */
__attribute__((noinline, noreturn)) static void BccLand(void)
{
    BCC_LANDING *landing = (BCC_LANDING *)TlsGetValue(BccLandingSlot);
    longjmp(landing->Jump, 1);
}

__attribute__((noinline, noreturn)) static void BccLandInterrupted(void)
{
    BCC_LANDING *landing = (BCC_LANDING *)TlsGetValue(BccLandingSlot);
    landing->Fault.Signal = (LONG)BCC_INTERRUPT_CODE;
    landing->Fault.Code = 0;
    landing->Fault.Address = BccInterruptedAt;
    landing->Fault.Instruction = BccInterruptedAt;
    longjmp(landing->Jump, 1);
}

/* Points the saved context at landing, on a 16-byte aligned stack below the faulting frame, as if landing were called. */
static void BccRedirect(unsigned char *context, void (*landing)(void))
{
    uint64_t rsp = *(uint64_t *)(context + BCC_CONTEXT_RSP);
    rsp = ((rsp - 256) & ~(uint64_t)15) - 8;
    *(uint64_t *)(context + BCC_CONTEXT_RSP) = rsp;
    *(uint64_t *)(context + BCC_CONTEXT_RIP) = (uint64_t)(uintptr_t)landing;
}

static long __stdcall BccOnException(BCC_EXCEPTION_POINTERS *exception)
{
    BCC_EXCEPTION_RECORD *record = exception->ExceptionRecord;
    char *ip = (char *)record->ExceptionAddress;
    BCC_LANDING *landing;
    if (!BccIsHardwareFault(record->ExceptionCode) || BccLandingSlot == BCC_NO_SLOT) {
        return 0; /* EXCEPTION_CONTINUE_SEARCH */
    }

    landing = (BCC_LANDING *)TlsGetValue(BccLandingSlot);
    if (landing != NULL) {
        landing->Fault.Signal = (LONG)record->ExceptionCode;
        landing->Fault.Instruction = ip;
        if ((record->ExceptionCode == 0xC0000005u || record->ExceptionCode == 0xC0000006u) && record->NumberParameters >= 2) {
            landing->Fault.Code = (LONG)record->ExceptionInformation[0]; /* 0 read, 1 write, 8 execute */
            landing->Fault.Address = (PVOID)record->ExceptionInformation[1];
        } else {
            landing->Fault.Code = 0;
            landing->Fault.Address = ip;
        }
        BccRedirect(exception->ContextRecord, BccLand);
        return -1; /* EXCEPTION_CONTINUE_EXECUTION */
    }

    if (ip >= BccImageStart && ip < BccImageEnd) {
        /* Not in a routine the kernel called (a thread of the driver's own): say whose fault it is before it goes on. */
        BccWriteError("bugcheck: driver ");
        BccWriteError(BccName);
        BccWriteError(" faulted outside any routine the kernel called (exception ");
        BccWriteHex(record->ExceptionCode);
        BccWriteError(", instruction ");
        BccWriteError(BccName);
        BccWriteError("+");
        BccWriteHex((uintptr_t)(ip - BccImageStart));
        BccWriteError("); it cannot be contained there, and unless the driver handles it the process ends.\n");
    }
    return 0;
}

/* Installs the handler (1), or removes it (0): returns 1 when done. */
static int BccContainFaults(int install, PVOID imageStart, PVOID imageEnd, const char *name)
{
    int i;
    if (install) {
        if (BccHandler != NULL) {
            return 1;
        }
        BccImageStart = (char *)imageStart;
        BccImageEnd = (char *)imageEnd;
        for (i = 0; i < (int)sizeof(BccName) - 1 && name != NULL && name[i] != '\0'; i++) {
            BccName[i] = name[i];
        }
        BccName[i] = '\0';
        BccLandingSlot = TlsAlloc();
        if (BccLandingSlot == BCC_NO_SLOT) {
            return 0;
        }
        BccHandler = AddVectoredExceptionHandler(1, BccOnException);
        if (BccHandler == NULL) {
            TlsFree(BccLandingSlot);
            BccLandingSlot = BCC_NO_SLOT;
            return 0;
        }
        return 1;
    }

    if (BccHandler != NULL) {
        if (RemoveVectoredExceptionHandler(BccHandler) == 0) {
            return 0;
        }
        BccHandler = NULL;
        TlsFree(BccLandingSlot);
        BccLandingSlot = BCC_NO_SLOT;
    }
    return 1;
}

static VOID BccTakeFault(BCC_FAULT *fault)
{
    *fault = BccLastFault;
    memset(&BccLastFault, 0, sizeof(BccLastFault));
}

/* Interrupts the routine running now, if any: suspends its thread and, when it is in the driver's own code (not the C
 * library's or the runtime's, which a jump out of would leave broken), resumes it at BccLandInterrupted. Returns 1 when
 * a routine was running (the kernel asks again until the thread has left it). */
static int BccInterrupt(void)
{
    unsigned char buffer[BCC_CONTEXT_SIZE + 16];
    unsigned char *context = (unsigned char *)(((uintptr_t)buffer + 15) & ~(uintptr_t)15); /* CONTEXT is 16-byte aligned */
    PVOID thread;
    int running = 0;
    if (!BccInRoutine) {
        return 0;
    }
    thread = OpenThread(0x0002 | 0x0008 | 0x0010, 0, BccRoutineThread); /* THREAD_SUSPEND_RESUME, _GET_CONTEXT, _SET_CONTEXT */
    if (thread == NULL) {
        return 0;
    }
    if (SuspendThread(thread) != (unsigned long)-1) {
        memset(context, 0, BCC_CONTEXT_SIZE);
        *(uint32_t *)(context + BCC_CONTEXT_FLAGS) = BCC_CONTEXT_CONTROL;
        /* GetThreadContext waits for the suspension to take effect; the routine is still running when the flag still says so. */
        if (GetThreadContext(thread, context) && BccInRoutine) {
            char *ip = (char *)(uintptr_t)*(uint64_t *)(context + BCC_CONTEXT_RIP);
            running = 1;
            if (ip >= BccImageStart && ip < BccImageEnd) {
                BccInterruptedAt = ip;
                BccRedirect(context, BccLandInterrupted);
                SetThreadContext(thread, context);
            }
        }
        ResumeThread(thread);
    }
    CloseHandle(thread);
    return running;
}

/*
 * Each trampoline makes CALL with a KeBugCheckEx target and a fault target set, and returns 0 when it returned, 1 when
 * KeBugCheckEx unwound it, 2 when a fault did. The targets before are restored, so a trampoline inside a trampoline
 * would still unwind to the innermost one.
 */
#define BCC_TRAMPOLINE(CALL)                              \
    jmp_buf target;                                       \
    BCC_LANDING landing;                                  \
    jmp_buf *volatile outer = BccDriverGlue.BugCheckTarget; \
    PVOID volatile outerLanding = BccLandingSlot == BCC_NO_SLOT ? NULL : TlsGetValue(BccLandingSlot); \
    volatile LONG outerInRoutine = BccInRoutine;          \
    volatile unsigned long outerThread = BccRoutineThread; \
    int result = 1;                                       \
    memset(&landing.Fault, 0, sizeof(landing.Fault));     \
    if (BCC_SET_LANDING(landing) != 0) {                  \
        result = 2;                                       \
        BccLastFault = landing.Fault;                     \
    } else if (setjmp(target) == 0) {                     \
        BccDriverGlue.BugCheckTarget = &target;           \
        if (BccLandingSlot != BCC_NO_SLOT) {              \
            TlsSetValue(BccLandingSlot, &landing);        \
        }                                                 \
        BccRoutineThread = GetCurrentThreadId();          \
        BccInRoutine = 1;                                 \
        CALL;                                             \
        result = 0;                                       \
    }                                                     \
    BccInRoutine = outerInRoutine;                        \
    BccRoutineThread = outerThread;                       \
    if (BccLandingSlot != BCC_NO_SLOT) {                  \
        TlsSetValue(BccLandingSlot, outerLanding);        \
    }                                                     \
    BccDriverGlue.BugCheckTarget = outer;                 \
    return result
#else
/* MSVC's cl, or POSIX signals hidden: not contained (docs/native.md); the glue says so by installing nothing. */
static int BccContainFaults(int install, PVOID imageStart, PVOID imageEnd, const char *name)
{
    (void)install;
    (void)imageStart;
    (void)imageEnd;
    (void)name;
    return 0;
}

static VOID BccTakeFault(BCC_FAULT *fault)
{
    memset(fault, 0, sizeof(*fault));
}

static int BccInterrupt(void)
{
    return 0;
}

/*
 * Each trampoline makes CALL with a KeBugCheckEx target set, and returns 0 when it returned, 1 when KeBugCheckEx unwound
 * it. The target before is restored, so a trampoline inside a trampoline would still unwind to the innermost one.
 */
#define BCC_TRAMPOLINE(CALL)                              \
    jmp_buf target;                                       \
    jmp_buf *outer = BccDriverGlue.BugCheckTarget;        \
    int bugChecked = 1;                                   \
    if (setjmp(target) == 0) {                            \
        BccDriverGlue.BugCheckTarget = &target;           \
        CALL;                                             \
        bugChecked = 0;                                   \
    }                                                     \
    BccDriverGlue.BugCheckTarget = outer;                 \
    return bugChecked
#endif

static int BccInvokeDriverEntry(PDRIVER_INITIALIZE entry, PDRIVER_OBJECT driver, PUNICODE_STRING path, NTSTATUS *status)
{
    BCC_TRAMPOLINE(*status = entry(driver, path));
}

static int BccInvokeReasonRoutine(PKBUGCHECK_REASON_CALLBACK_ROUTINE routine, KBUGCHECK_CALLBACK_REASON reason, PKBUGCHECK_REASON_CALLBACK_RECORD record, PVOID data, ULONG length)
{
    BCC_TRAMPOLINE(routine(reason, record, data, length));
}

static int BccInvokeClassicRoutine(PKBUGCHECK_CALLBACK_ROUTINE routine, PVOID buffer, ULONG length)
{
    BCC_TRAMPOLINE(routine(buffer, length));
}

static int BccInvokeDriverUnload(PDRIVER_UNLOAD unload, PDRIVER_OBJECT driver)
{
    BCC_TRAMPOLINE(unload(driver));
}

/* ---- The kernel routines a callback and its registration use ------------------------------------------------------ */

/* A macro in wdm.h too: it only empties the record. */
#define KeInitializeCallbackRecord(CallbackRecord) ((CallbackRecord)->State = BufferEmpty)

BCC_INLINE BOOLEAN KeRegisterBugCheckReasonCallback(PKBUGCHECK_REASON_CALLBACK_RECORD CallbackRecord, PKBUGCHECK_REASON_CALLBACK_ROUTINE CallbackRoutine, KBUGCHECK_CALLBACK_REASON Reason, PUCHAR Component)
{
    return BccDriverGlue.Kernel->KeRegisterBugCheckReasonCallback(CallbackRecord, CallbackRoutine, Reason, Component);
}

BCC_INLINE BOOLEAN KeDeregisterBugCheckReasonCallback(PKBUGCHECK_REASON_CALLBACK_RECORD CallbackRecord)
{
    return BccDriverGlue.Kernel->KeDeregisterBugCheckReasonCallback(CallbackRecord);
}

BCC_INLINE BOOLEAN KeRegisterBugCheckCallback(PKBUGCHECK_CALLBACK_RECORD CallbackRecord, PKBUGCHECK_CALLBACK_ROUTINE CallbackRoutine, PVOID Buffer, ULONG Length, PUCHAR Component)
{
    return BccDriverGlue.Kernel->KeRegisterBugCheckCallback(CallbackRecord, CallbackRoutine, Buffer, Length, Component);
}

BCC_INLINE BOOLEAN KeDeregisterBugCheckCallback(PKBUGCHECK_CALLBACK_RECORD CallbackRecord)
{
    return BccDriverGlue.Kernel->KeDeregisterBugCheckCallback(CallbackRecord);
}

BCC_INLINE NTSTATUS KeInitializeTriageDumpDataArray(PKTRIAGE_DUMP_DATA_ARRAY KtriageDumpDataArray, ULONG Size)
{
    return BccDriverGlue.Kernel->KeInitializeTriageDumpDataArray(KtriageDumpDataArray, Size);
}

BCC_INLINE NTSTATUS KeAddTriageDumpDataBlock(PKTRIAGE_DUMP_DATA_ARRAY KtriageDumpDataArray, PVOID Address, SIZE_T Size)
{
    return BccDriverGlue.Kernel->KeAddTriageDumpDataBlock(KtriageDumpDataArray, Address, Size);
}

BCC_INLINE KIRQL KeGetCurrentIrql(void)
{
    return BccDriverGlue.Kernel->KeGetCurrentIrql();
}

/* Never returns: inside DriverEntry or a callback it unwinds to the kernel; anywhere else it stops the process. */
BCC_INLINE BCC_NORETURN VOID KeBugCheckEx(ULONG BugCheckCode, ULONG_PTR BugCheckParameter1, ULONG_PTR BugCheckParameter2, ULONG_PTR BugCheckParameter3, ULONG_PTR BugCheckParameter4)
{
    BccDriverGlue.Kernel->KeBugCheckEx(BugCheckCode, BugCheckParameter1, BugCheckParameter2, BugCheckParameter3, BugCheckParameter4);
    if (BccDriverGlue.BugCheckTarget != NULL) {
        longjmp(*BccDriverGlue.BugCheckTarget, 1);
    }
    abort();
}

BCC_INLINE PVOID ExAllocatePool2(POOL_FLAGS Flags, SIZE_T NumberOfBytes, ULONG Tag)
{
    return BccDriverGlue.Kernel->ExAllocatePool2(Flags, NumberOfBytes, Tag);
}

BCC_INLINE PVOID ExAllocatePoolWithTag(POOL_TYPE PoolType, SIZE_T NumberOfBytes, ULONG Tag)
{
    return BccDriverGlue.Kernel->ExAllocatePoolWithTag(PoolType, NumberOfBytes, Tag);
}

BCC_INLINE VOID ExFreePoolWithTag(PVOID P, ULONG Tag)
{
    BccDriverGlue.Kernel->ExFreePoolWithTag(P, Tag);
}

/* ---- The x64 layouts, as wdm.h has them on x64 (BugCheckCallbacks' C# mirrors assert the same numbers) ------------ */

BCC_STATIC_ASSERT(sizeof(GUID) == 0x10, "GUID");
BCC_STATIC_ASSERT(sizeof(LIST_ENTRY) == 0x10, "LIST_ENTRY");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_CALLBACK_REASON) == 4, "KBUGCHECK_CALLBACK_REASON is a 4-byte enum");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_REASON_CALLBACK_RECORD, CallbackRoutine) == 0x10, "KBUGCHECK_REASON_CALLBACK_RECORD.CallbackRoutine");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_REASON_CALLBACK_RECORD, Component) == 0x18, "KBUGCHECK_REASON_CALLBACK_RECORD.Component");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_REASON_CALLBACK_RECORD, Checksum) == 0x20, "KBUGCHECK_REASON_CALLBACK_RECORD.Checksum");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_REASON_CALLBACK_RECORD, Reason) == 0x28, "KBUGCHECK_REASON_CALLBACK_RECORD.Reason");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_REASON_CALLBACK_RECORD, State) == 0x2C, "KBUGCHECK_REASON_CALLBACK_RECORD.State");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_REASON_CALLBACK_RECORD) == 0x30, "KBUGCHECK_REASON_CALLBACK_RECORD");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_CALLBACK_RECORD, Length) == 0x20, "KBUGCHECK_CALLBACK_RECORD.Length");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_CALLBACK_RECORD, Component) == 0x28, "KBUGCHECK_CALLBACK_RECORD.Component");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_CALLBACK_RECORD, Checksum) == 0x30, "KBUGCHECK_CALLBACK_RECORD.Checksum");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_CALLBACK_RECORD, State) == 0x38, "KBUGCHECK_CALLBACK_RECORD.State");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_CALLBACK_RECORD) == 0x40, "KBUGCHECK_CALLBACK_RECORD");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA, MaximumAllowed) == 0x0C, "KBUGCHECK_SECONDARY_DUMP_DATA.MaximumAllowed");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA, Guid) == 0x10, "KBUGCHECK_SECONDARY_DUMP_DATA.Guid");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA, OutBuffer) == 0x20, "KBUGCHECK_SECONDARY_DUMP_DATA.OutBuffer");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA, OutBufferLength) == 0x28, "KBUGCHECK_SECONDARY_DUMP_DATA.OutBufferLength");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_SECONDARY_DUMP_DATA) == 0x30, "KBUGCHECK_SECONDARY_DUMP_DATA");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA_EX, Context) == 0x30, "KBUGCHECK_SECONDARY_DUMP_DATA_EX.Context");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA_EX, Flags) == 0x38, "KBUGCHECK_SECONDARY_DUMP_DATA_EX.Flags");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA_EX, DumpType) == 0x3C, "KBUGCHECK_SECONDARY_DUMP_DATA_EX.DumpType");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA_EX, BugCheckCode) == 0x40, "KBUGCHECK_SECONDARY_DUMP_DATA_EX.BugCheckCode");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_SECONDARY_DUMP_DATA_EX, BugCheckParameter1) == 0x48, "KBUGCHECK_SECONDARY_DUMP_DATA_EX.BugCheckParameter1");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_SECONDARY_DUMP_DATA_EX) == 0x68, "KBUGCHECK_SECONDARY_DUMP_DATA_EX");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_DUMP_IO, Buffer) == 0x08, "KBUGCHECK_DUMP_IO.Buffer");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_DUMP_IO, BufferLength) == 0x10, "KBUGCHECK_DUMP_IO.BufferLength");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_DUMP_IO, Type) == 0x14, "KBUGCHECK_DUMP_IO.Type");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_DUMP_IO) == 0x18, "KBUGCHECK_DUMP_IO");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_ADD_PAGES, Flags) == 0x08, "KBUGCHECK_ADD_PAGES.Flags");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_ADD_PAGES, BugCheckCode) == 0x0C, "KBUGCHECK_ADD_PAGES.BugCheckCode");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_ADD_PAGES, Address) == 0x10, "KBUGCHECK_ADD_PAGES.Address");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_ADD_PAGES, Count) == 0x18, "KBUGCHECK_ADD_PAGES.Count");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_ADD_PAGES) == 0x20, "KBUGCHECK_ADD_PAGES");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_REMOVE_PAGES) == 0x20, "KBUGCHECK_REMOVE_PAGES");
BCC_STATIC_ASSERT(sizeof(KADDRESS_RANGE) == 0x10, "KADDRESS_RANGE");
BCC_STATIC_ASSERT(offsetof(KTRIAGE_DUMP_DATA_ARRAY, NumBlocksUsed) == 0x10, "KTRIAGE_DUMP_DATA_ARRAY.NumBlocksUsed");
BCC_STATIC_ASSERT(offsetof(KTRIAGE_DUMP_DATA_ARRAY, ComponentNameBufferLength) == 0x20, "KTRIAGE_DUMP_DATA_ARRAY.ComponentNameBufferLength");
BCC_STATIC_ASSERT(offsetof(KTRIAGE_DUMP_DATA_ARRAY, ComponentName) == 0x28, "KTRIAGE_DUMP_DATA_ARRAY.ComponentName");
BCC_STATIC_ASSERT(offsetof(KTRIAGE_DUMP_DATA_ARRAY, Blocks) == 0x30, "KTRIAGE_DUMP_DATA_ARRAY.Blocks");
BCC_STATIC_ASSERT(sizeof(KTRIAGE_DUMP_DATA_ARRAY) == 0x40, "KTRIAGE_DUMP_DATA_ARRAY");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_TRIAGE_DUMP_DATA, Flags) == 0x08, "KBUGCHECK_TRIAGE_DUMP_DATA.Flags");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_TRIAGE_DUMP_DATA, MaxVirtMemSize) == 0x0C, "KBUGCHECK_TRIAGE_DUMP_DATA.MaxVirtMemSize");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_TRIAGE_DUMP_DATA, BugCheckCode) == 0x10, "KBUGCHECK_TRIAGE_DUMP_DATA.BugCheckCode");
BCC_STATIC_ASSERT(offsetof(KBUGCHECK_TRIAGE_DUMP_DATA, BugCheckParameter1) == 0x18, "KBUGCHECK_TRIAGE_DUMP_DATA.BugCheckParameter1");
BCC_STATIC_ASSERT(sizeof(KBUGCHECK_TRIAGE_DUMP_DATA) == 0x38, "KBUGCHECK_TRIAGE_DUMP_DATA");
BCC_STATIC_ASSERT(sizeof(UNICODE_STRING) == 0x10, "UNICODE_STRING");
BCC_STATIC_ASSERT(offsetof(DRIVER_OBJECT, DriverStart) == 0x18, "DRIVER_OBJECT.DriverStart");
BCC_STATIC_ASSERT(offsetof(DRIVER_OBJECT, DriverName) == 0x38, "DRIVER_OBJECT.DriverName");
BCC_STATIC_ASSERT(offsetof(DRIVER_OBJECT, DriverInit) == 0x58, "DRIVER_OBJECT.DriverInit");
BCC_STATIC_ASSERT(offsetof(DRIVER_OBJECT, DriverUnload) == 0x68, "DRIVER_OBJECT.DriverUnload");
BCC_STATIC_ASSERT(sizeof(DRIVER_OBJECT) == 0x150, "DRIVER_OBJECT");
BCC_STATIC_ASSERT(offsetof(BCC_DRIVER_GLUE, Kernel) == 0x08, "BCC_DRIVER_GLUE.Kernel");
BCC_STATIC_ASSERT(offsetof(BCC_DRIVER_GLUE, BugCheckTarget) == 0x28, "BCC_DRIVER_GLUE.BugCheckTarget");
BCC_STATIC_ASSERT(offsetof(BCC_DRIVER_GLUE, TakeFault) == 0x38, "BCC_DRIVER_GLUE.TakeFault");
BCC_STATIC_ASSERT(offsetof(BCC_DRIVER_GLUE, Interrupt) == 0x40, "BCC_DRIVER_GLUE.Interrupt");
BCC_STATIC_ASSERT(offsetof(BCC_DRIVER_GLUE, InvokeDriverUnload) == 0x48, "BCC_DRIVER_GLUE.InvokeDriverUnload");
BCC_STATIC_ASSERT(sizeof(BCC_DRIVER_GLUE) == 0x50, "BCC_DRIVER_GLUE");
BCC_STATIC_ASSERT(sizeof(BCC_FAULT) == 0x18, "BCC_FAULT");
BCC_STATIC_ASSERT(sizeof(BCC_KERNEL_ROUTINES) == 0x60, "BCC_KERNEL_ROUTINES");

#ifdef __cplusplus
}
#endif

#endif /* BUGCHECK_CALLBACKS_H */
