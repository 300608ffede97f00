using System.Diagnostics;
using System.Globalization;
using BugCheckCallbacks.Fuzz;

// Fuzzes every dump reader entry point with mutated dumps: `dotnet run -c Release -- [iterations] [seed] [failures folder] [seeds]`,
// where [seeds] keeps only the seeds whose name contains it (`Triage`, `RDMP`): a million inputs of one dump type. One
// input in 1,000 is also written to a file and read memory-mapped (DumpFile.OpenMapped).
// Prints the figures docs/reliability.md reports and exits 1 when any input throws anything but InvalidDumpException,
// allocates more than its length plus the fixed bound, or takes longer than 100 ms.
var c = CultureInfo.InvariantCulture;
var iterations = args.Length > 0 ? long.Parse(args[0], c) : 1_000_000;
var seed = args.Length > 1 ? int.Parse(args[1], c) : 20261126;
var failures = args.Length > 2 ? args[2] : Path.Combine(Path.GetTempPath(), "bugcheck-fuzz-failures");
const long AllocationBound = 256 << 10; // fixed per-input bound over the input's length: buffers and caches of the reader
const long ReportBytesPerByte = 64; // an outcome report is a document: its objects and strings grow with it, this much per byte at most
const long ImageBytesPerByte = 64; // so is a driver image's import, export and relocation tables
const double SlowMilliseconds = 100;

var seeds = Seeds.Create().Where(s => args.Length < 4 || s.Name.Contains(args[3], StringComparison.OrdinalIgnoreCase)).ToArray();
if (seeds.Length == 0)
{
    Console.Error.WriteLine($"No seed's name contains \"{args[3]}\".");
    return 2;
}

var mutator = new Mutator(new Random(seed), seeds);
var mappedFile = Path.Combine(Path.GetTempPath(), string.Create(c, $"bugcheck-fuzz-{Environment.ProcessId}.dmp"));
foreach (var (_, bytes) in seeds)
{
    // Warm up, uncounted, both ways of reading: the shared pool's one 1 MiB bulk-read buffer and the first use of the
    // memory-mapped file code (JIT, the mapping's setup) are a process's, not an input's.
    Harness.ReadEverything(bytes);
    Harness.ReadEverything(bytes, mappedFile);
}


var exceptions = new Dictionary<string, long>();
long slow = 0, overAllocated = 0, readDumps = 0, readRegions = 0, readReports = 0, readImages = 0, maxExtraBytes = long.MinValue, totalBytes = 0;
var maxTime = TimeSpan.Zero;
var slowest = string.Empty;
var total = Stopwatch.StartNew();
for (var i = 0L; i < iterations; i++)
{
    var input = mutator.Next(out var from);
    totalBytes += input.Length;
    var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    var started = Stopwatch.GetTimestamp();
    string? failure = null;
    try
    {
        var (dump, region, report, image) = Harness.ReadEverything(input, i % 1000 == 999 ? mappedFile : null); // one input in 1,000 memory-mapped
        readReports += report ? 1 : 0;
        readImages += image ? 1 : 0;
        readDumps += dump ? 1 : 0;
        readRegions += region ? 1 : 0;
    }
    catch (Exception exception)
    {
        failure = exception.GetType().FullName!;
        exceptions[failure] = exceptions.GetValueOrDefault(failure) + 1;
    }

    var elapsed = Stopwatch.GetElapsedTime(started);
    var extra = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore - input.Length;
    maxExtraBytes = Math.Max(maxExtraBytes, extra);
    if (elapsed > maxTime)
    {
        (maxTime, slowest) = (elapsed, string.Create(c, $"input {i}, from {from}{(i % 1000 == 999 ? ", mapped" : string.Empty)}"));
    }
    slow += elapsed.TotalMilliseconds > SlowMilliseconds ? 1 : 0;
    var bound = AllocationBound + (input.Length > 0 && input[0] == (byte)'{' ? ReportBytesPerByte * input.Length : 0)
        + (input.Length > 1 && input[0] == (byte)'M' && input[1] == (byte)'Z' ? ImageBytesPerByte * input.Length : 0);
    overAllocated += extra > bound ? 1 : 0;
    if (failure is not null || extra > bound)
    {
        Directory.CreateDirectory(failures);
        File.WriteAllBytes(Path.Combine(failures, string.Create(c, $"input-{i}-{from.Replace(' ', '-')}.bin")), input);
    }
}

total.Stop();
File.Delete(mappedFile);
Console.WriteLine(string.Create(c, $"inputs: {iterations:N0} from {seeds.Length} seeds ({string.Join(", ", seeds.Select(s => $"{s.Name} {s.Bytes.Length:N0} B"))}), random seed {seed}"));
Console.WriteLine(string.Create(c, $"time: {total.Elapsed.TotalSeconds:F1} s in all, {total.Elapsed.TotalMicroseconds / iterations:F1} µs per input, slowest {maxTime.TotalMilliseconds:F2} ms ({slowest}); inputs over {SlowMilliseconds} ms: {slow}"));
Console.WriteLine(string.Create(c, $"allocation: at most {maxExtraBytes:N0} bytes over the input's length (bound {AllocationBound:N0}, and {ReportBytesPerByte} per byte more for an outcome report, {ImageBytesPerByte} for a driver image); inputs over the bound: {overAllocated}; mean input {totalBytes / Math.Max(1, iterations):N0} bytes"));
Console.WriteLine(string.Create(c, $"answers: {readDumps:N0} inputs read as a kernel dump, {readRegions:N0} as a DumpBlob region and {readReports:N0} as an outcome report and {readImages:N0} as a driver image; the rest gave InvalidDumpException (JsonException for reports, InvalidImageException for images)"));
Console.WriteLine(exceptions.Count == 0 ? "exceptions other than InvalidDumpException, a report's JsonException and an image's InvalidImageException: none" : "exceptions other than InvalidDumpException, a report's JsonException and an image's InvalidImageException:");
foreach (var (type, count) in exceptions.OrderByDescending(e => e.Value))
{
    Console.WriteLine(string.Create(c, $"  {type}: {count:N0}"));
}

if (exceptions.Count > 0 || overAllocated > 0 || slow > 0)
{
    Console.WriteLine($"failing inputs saved under {failures}");
    return 1;
}

return 0;
