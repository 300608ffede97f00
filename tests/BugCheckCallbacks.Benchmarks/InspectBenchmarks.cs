using System.Diagnostics;
using System.Globalization;
using System.Text;
using BenchmarkDotNet.Attributes;
using BugCheckCallbacks.Binary;
using Iced.Intel;

namespace BugCheckCallbacks.Benchmarks;

/// <summary>
/// What <c>bugcheck inspect</c> does (<see cref="DriverImage.Read"/>, then <see cref="DriverInspection.Inspect"/>) on
/// kernel-mode drivers of 2 MB and 10 MB that mingw-w64 builds in the setup (x86_64-w64-mingw32-gcc on PATH): 2,000 or
/// 10,000 functions, one callback whose code reaches them all through a chain of calls, so the walk decodes the whole of
/// .text; against the floor of decoding every instruction of .text once with Iced. The issue's target is a 10 MB driver
/// under 1 s (docs/performance.md).
/// </summary>
[BenchmarkCategory("Inspect")]
[SimpleJob(launchCount: 1, warmupCount: 1, iterationCount: 5)]
public class InspectBenchmarks
{
    private const int FunctionsPerFile = 500;
    private byte[] _file = null!;

    /// <summary>Gets or sets how many functions the driver has: about 1 KB of code each.</summary>
    [Params(2_000, 10_000)]
    public int Functions { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _file = File.ReadAllBytes(BigDriver(Functions));
        var inspection = Inspect();
        if (inspection.Reached.Count != 0 || inspection.Calls.Count != 1 || inspection.UnresolvedCalls.Count != 0 || inspection.IsWalkTruncated)
        {
            throw new InvalidOperationException($"The big driver gave {inspection.Calls.Count} calls, {inspection.Reached.Count} imports reached, {inspection.UnresolvedCalls.Count} unresolved.");
        }

        Console.WriteLine($"// big.sys: {_file.Length:N0} bytes, .text {DriverImage.Read(_file).Sections.Single(s => s.Name == ".text").RawSize:N0} bytes");
    }

    /// <summary>
    /// The driver, built once and kept in the temporary folder under a name that hashes its source: gcc and its assembler slow
    /// down faster than the file grows (one file of 20,000 functions took over 12 minutes), so the source is split into
    /// files of 500 functions compiled side by side, one per core: the 10 MB driver builds in about a minute; each benchmark's process runs the setup again.
    /// <c>-fno-jump-tables</c>: a switch's jump table is an indirect jump the walk does not follow, so the compare chains
    /// keep every function reachable.
    /// </summary>
    internal static string BigDriver(int functions)
    {
        var sources = Sources(functions);
        var hash = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Concat(sources))))[..16];
        var output = Path.Combine(Path.GetTempPath(), $"bcb-inspect-{hash}.sys");
        if (File.Exists(output))
        {
            return output;
        }

        var folder = Directory.CreateTempSubdirectory("bcb-inspect-").FullName;
        var objects = sources.Select((_, i) => Path.Combine(folder, $"part{i}.o")).ToArray();
        Parallel.For(0, sources.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
        {
            var file = Path.Combine(folder, $"part{i}.c");
            File.WriteAllText(file, sources[i]);
            Gcc(["-O2", "-fno-jump-tables", "-fno-stack-protector", "-mno-stack-arg-probe", "-c", file, "-o", objects[i]]);
        });
        var built = Path.Combine(folder, "big.sys");
        Gcc(["-shared", "-nostdlib", "-Wl,--subsystem,native", "-Wl,--entry,DriverEntry", .. objects, "-lntoskrnl", "-o", built]);
        File.Move(built, output, overwrite: true);
        Directory.Delete(folder, recursive: true);
        return output;
    }

    private static void Gcc(string[] arguments)
    {
        using var compiler = Process.Start(new ProcessStartInfo("x86_64-w64-mingw32-gcc", arguments))!;
        compiler.WaitForExit();
        if (compiler.ExitCode != 0)
        {
            throw new InvalidOperationException($"x86_64-w64-mingw32-gcc failed ({compiler.ExitCode}): the benchmark needs mingw-w64.");
        }
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

    /// <summary>
    /// The driver's C files: F0 … F{n−1}, each a 32-way switch over a volatile array that calls the next, 500 to a file;
    /// the first file also holds one SecondaryDumpData callback that calls F0, and DriverEntry.
    /// </summary>
    private static List<string> Sources(int functions)
    {
        var files = new List<string>();
        for (var first = 0; first < functions; first += FunctionsPerFile)
        {
            var text = new StringBuilder("#include <ddk/wdm.h>\nextern volatile ULONG Sink[64];\n");
            for (var i = 0; i < functions; i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"__attribute__((noinline)) ULONG F{i}(ULONG x);\n");
            }

            for (var i = first; i < Math.Min(functions, first + FunctionsPerFile); i++)
            {
                text.Append(CultureInfo.InvariantCulture, $"__attribute__((noinline)) ULONG F{i}(ULONG x) {{ ULONG y = x * {i + 3}u; switch (x & 31) {{ ");
                for (var c = 0; c < 32; c++)
                {
                    text.Append(CultureInfo.InvariantCulture, $"case {c}: y += Sink[{((c * 7) + i) % 64}] * {c + i}u; break; ");
                }

                text.Append(i + 1 < functions
                    ? string.Create(CultureInfo.InvariantCulture, $"default: break; }} if (x > {i % 97}u) {{ y += F{i + 1}(x - 1); }} return y; }}\n")
                    : "default: break; } return y; }\n");
            }

            if (first == 0)
            {
                text.Append("""
                    volatile ULONG Sink[64];
                    static KBUGCHECK_REASON_CALLBACK_RECORD Record;
                    DRIVER_INITIALIZE DriverEntry;
                    static VOID NTAPI OnSecondary(KBUGCHECK_CALLBACK_REASON reason, struct _KBUGCHECK_REASON_CALLBACK_RECORD *record, PVOID data, ULONG length)
                    { UNREFERENCED_PARAMETER(reason); UNREFERENCED_PARAMETER(record); UNREFERENCED_PARAMETER(data); Sink[0] = F0(length); }
                    NTSTATUS NTAPI DriverEntry(PDRIVER_OBJECT driver, PUNICODE_STRING path)
                    { PKBUGCHECK_REASON_CALLBACK_RECORD r = &Record; UNREFERENCED_PARAMETER(driver); UNREFERENCED_PARAMETER(path); KeInitializeCallbackRecord(r);
                      return KeRegisterBugCheckReasonCallback(r, OnSecondary, KbCallbackSecondaryDumpData, (PUCHAR)"big") ? STATUS_SUCCESS : STATUS_UNSUCCESSFUL; }

                    """);
            }

            files.Add(text.ToString());
        }

        return files;
    }
}
