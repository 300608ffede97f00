using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// A whole bug check with <see cref="Callbacks"/> SecondaryDumpData callbacks, each returning 4 KiB from a resident buffer:
/// native routines (a C driver compiled with the machine's cc, loaded with <see cref="Native.NativeDrivers"/>) against
/// the same routines in C#. The difference is what the native path costs: structures into native memory and back,
/// the trampoline, the pointer checks. Needs cc on PATH.
/// </summary>
[BenchmarkCategory("Native")]
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10, invocationCount: 1)]
public class NativeBugCheckBenchmarks
{
    private const string Driver = """
        #include <bugcheck_callbacks.h>
        static PKBUGCHECK_REASON_CALLBACK_RECORD Records;
        static PUCHAR Resident;
        static VOID Callback(KBUGCHECK_CALLBACK_REASON r, PKBUGCHECK_REASON_CALLBACK_RECORD record, PVOID d, ULONG l)
        {
            PKBUGCHECK_SECONDARY_DUMP_DATA data = (PKBUGCHECK_SECONDARY_DUMP_DATA)d;
            UNREFERENCED_PARAMETER(r); UNREFERENCED_PARAMETER(l);
            if (data->OutBuffer == NULL) { data->OutBufferLength = 4096; return; }
            if (data->MaximumAllowed < 4096) { return; }
            data->Guid.Data1 = (ULONG)(record - Records) + 1;
            data->OutBuffer = Resident;
            data->OutBufferLength = 4096;
        }
        NTSTATUS DriverEntry(PDRIVER_OBJECT o, PUNICODE_STRING p)
        {
            ULONG i;
            UNREFERENCED_PARAMETER(o); UNREFERENCED_PARAMETER(p);
            Records = (PKBUGCHECK_REASON_CALLBACK_RECORD)ExAllocatePool2(POOL_FLAG_NON_PAGED, sizeof(*Records) * COUNT, 'hcnB');
            Resident = (PUCHAR)ExAllocatePool2(POOL_FLAG_NON_PAGED, 4096, 'hcnB');
            if (Records == NULL || Resident == NULL) { return STATUS_INSUFFICIENT_RESOURCES; }
            for (i = 0; i < COUNT; i++) {
                KeInitializeCallbackRecord(&Records[i]);
                if (!KeRegisterBugCheckReasonCallback(&Records[i], Callback, KbCallbackSecondaryDumpData, (PUCHAR)"bench")) { return STATUS_UNSUCCESSFUL; }
            }
            return STATUS_SUCCESS;
        }
        """;

    private string _library = null!;
    private SimulatedKernel _kernel = null!;
    private NativeDriver? _driver;

    [Params(1000)]
    public int Callbacks { get; set; }

    [GlobalSetup]
    public void Compile()
    {
        var folder = Directory.CreateTempSubdirectory("bcc-bench-").FullName;
        var source = Path.Combine(folder, "bench.c");
        File.WriteAllText(source, Driver);
        _library = Path.Combine(folder, OperatingSystem.IsWindows() ? "bench.dll" : OperatingSystem.IsMacOS() ? "libbench.dylib" : "libbench.so");
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "BugCheckCallbacks.sln")))
        {
            root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("The repository (BugCheckCallbacks.sln) was not found above the benchmarks.");
        }

        var include = Path.Combine(root, "include");
        using var cc = Process.Start("cc", ["-O2", "-shared", "-fPIC", $"-DCOUNT={Callbacks}", "-I", include, source, "-o", _library])!;
        cc.WaitForExit();
        if (cc.ExitCode != 0)
        {
            throw new InvalidOperationException("cc failed to build the benchmark driver.");
        }
    }

    [IterationSetup(Target = nameof(Native))]
    public void LoadNative()
    {
        _kernel = NewKernel();
        _driver = _kernel.LoadDriver(_library);
    }

    [IterationSetup(Target = nameof(Managed))]
    public void RegisterManaged()
    {
        _kernel = NewKernel();
        var resident = new byte[4096];
        for (var i = 0; i < Callbacks; i++)
        {
            var tag = new Guid(i + 1, 0, 0, new byte[8]);
            _kernel.Callbacks.RegisterSecondaryDumpData(new BugCheckReasonCallbackRecord(), (_, d) =>
            {
                if (d.IsSizeQuery)
                {
                    d.OutBufferLength = 4096;
                }
                else if (d.MaximumAllowed >= 4096)
                {
                    d.Guid = tag;
                    d.SetOutput(resident);
                }
            }, "bench");
        }
    }

    [IterationCleanup]
    public void Unload() => _driver?.Dispose();

    [Benchmark(Baseline = true)]
    public BugCheckOutcome Managed() => _kernel.KeBugCheckEx(0xE2);

    [Benchmark]
    public BugCheckOutcome Native() => _kernel.KeBugCheckEx(0xE2);

    private static SimulatedKernel NewKernel() => new(new SimulationOptions { DumpType = DumpType.Summary, Log = InvocationLog.None, DetectAllocations = true });
}
