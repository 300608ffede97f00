using System.Diagnostics;
using System.Text;
using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Binary;
using Iced.Intel;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// What <c>bugcheck inspect</c> does (<see cref="DriverImage.Read"/>, then <see cref="DriverInspection.Inspect"/>) on a
/// 2 MB kernel-mode driver that mingw-w64 builds in the setup (x86_64-w64-mingw32-gcc on PATH; about 40 s): 2,000
/// functions, one callback whose code reaches them all through a chain of calls, so the walk decodes the whole of
/// .text; against the floor of decoding every instruction of .text once with Iced. The issue's target is a 10 MB driver
/// under 1 s; mingw-w64 takes over 12 minutes to build one (gcc 6, its assembler 6 and more), so the benchmark
/// measures 2 MB (docs/performance.md).
/// </summary>
[BenchmarkCategory("Inspect")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class InspectBenchmarks
{
    private const int Functions = 2_000;
    private byte[] _file = null!;

    [GlobalSetup]
    public void Setup()
    {
        _file = File.ReadAllBytes(BigDriver());
        var inspection = Inspect();
        if (inspection.Reached.Count != 0 || inspection.Calls.Count != 1 || inspection.UnresolvedCalls.Count != 0)
        {
            throw new InvalidOperationException($"The big driver gave {inspection.Calls.Count} calls, {inspection.Reached.Count} imports reached, {inspection.UnresolvedCalls.Count} unresolved.");
        }

        Console.WriteLine($"// big.sys: {_file.Length:N0} bytes, .text {DriverImage.Read(_file).Sections.Single(s => s.Name == ".text").RawSize:N0} bytes");
    }

    /// <summary>
    /// The driver, built once and kept in the temporary folder under a name that hashes its source: gcc takes 40 s on
    /// 2,000 functions, and each benchmark's process runs the setup again. <c>-fno-jump-tables</c>: a switch's jump
    /// table is an indirect jump the walk does not follow, so the compare chains keep every function reachable.
    /// </summary>
    private static string BigDriver()
    {
        var source = Source(Functions);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(source)))[..16];
        var output = Path.Combine(Path.GetTempPath(), $"bcb-inspect-{hash}.sys");
        if (File.Exists(output))
        {
            return output;
        }

        var folder = Directory.CreateTempSubdirectory("bcb-inspect-").FullName;
        var file = Path.Combine(folder, "big.c");
        File.WriteAllText(file, source);
        var built = Path.Combine(folder, "big.sys");
        using (var compiler = Process.Start(new ProcessStartInfo("x86_64-w64-mingw32-gcc", ["-O2", "-fno-jump-tables", "-fno-stack-protector", "-mno-stack-arg-probe", "-shared", "-nostdlib", "-Wl,--subsystem,native", "-Wl,--entry,DriverEntry", file, "-lntoskrnl", "-o", built]))!)
        {
            compiler.WaitForExit();
            if (compiler.ExitCode != 0)
            {
                throw new InvalidOperationException($"x86_64-w64-mingw32-gcc failed ({compiler.ExitCode}): the benchmark needs mingw-w64.");
            }
        }

        File.Move(built, output);
        return output;
    }

    [Benchmark(Description = "inspect: read the image, find the calls, walk the callback (DriverInspection.Inspect)")]
    public DriverInspection Inspect() => DriverInspection.Inspect(DriverImage.Read(_file));

    [Benchmark(Baseline = true, Description = "decode every instruction of .text once (Iced)")]
    public int DecodeText()
    {
        var image = DriverImage.Read(_file);
        var text = image.Sections.Single(s => s.Name == ".text");
        var bytes = image.GetRawData(text).ToArray();
        var reader = new ByteArrayCodeReader(bytes);
        var decoder = Iced.Intel.Decoder.Create(64, reader, image.ImageBase + text.VirtualAddress);
        var count = 0;
        while (reader.CanReadByte)
        {
            decoder.Decode(out _);
            count++;
        }

        return count;
    }

    /// <summary>The driver: F0 … F{n−1}, each a 32-way switch over a volatile array that calls the next, and one SecondaryDumpData callback that calls F0.</summary>
    private static string Source(int functions)
    {
        var text = new StringBuilder("#include <ddk/wdm.h>\nDRIVER_INITIALIZE DriverEntry;\nstatic volatile ULONG Sink[64];\nstatic KBUGCHECK_REASON_CALLBACK_RECORD Record;\n");
        for (var i = 0; i < functions; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"__attribute__((noinline)) static ULONG F{i}(ULONG x);\n");
        }

        for (var i = 0; i < functions; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"__attribute__((noinline)) static ULONG F{i}(ULONG x) {{ ULONG y = x * {i + 3}u; switch (x & 31) {{ ");
            for (var c = 0; c < 32; c++)
            {
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"case {c}: y += Sink[{((c * 7) + i) % 64}] * {c + i}u; break; ");
            }

            text.Append(i + 1 < functions
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"default: break; }} if (x > {i % 97}u) {{ y += F{i + 1}(x - 1); }} return y; }}\n")
                : "default: break; } return y; }\n");
        }

        text.Append("""
            static VOID NTAPI OnSecondary(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length)
            { UNREFERENCED_PARAMETER(reason); UNREFERENCED_PARAMETER(record); UNREFERENCED_PARAMETER(data); Sink[0] = F0(length); }
            NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING path)
            { PKBUGCHECK_REASON_CALLBACK_RECORD r = &Record; UNREFERENCED_PARAMETER(driver); UNREFERENCED_PARAMETER(path); KeInitializeCallbackRecord(r);
              return KeRegisterBugCheckReasonCallback(r, OnSecondary, KbCallbackSecondaryDumpData, (PUCHAR)"big") ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL; }

            """);
        return text.ToString();
    }
}
