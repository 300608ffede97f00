using BenchmarkDotNet.Running;
using BugCheckCallbacks.Benchmarks;

// `dotnet run -c Release -- --filter *` runs every benchmark; `-- peak` measures the 1 GiB dump's peak working set;
// `-- scale 100000` and `-- scale-cli 100000` time a whole bug check with that many callbacks, in the library and the CLI;
// `-- side-by-side Full|BitmapFull|Kernel [mapped]` times what docs/performance.md compares with kdmp-parser;
// `-- allocation-stress [n]` counts BCV0003 verdicts with n bug checks on each of 4 threads beside 2 allocating ones.
if (args is ["scale", var size])
{
    return Scale.Library(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["scale-cli", var cliSize])
{
    return Scale.Cli(int.Parse(cliSize, System.Globalization.CultureInfo.InvariantCulture));
}

if (args is ["side-by-side", var kind, ..])
{
    return SideBySide.Run(kind, args is [_, _, "mapped"]);
}

if (args is ["allocation-stress", ..])
{
    return AllocationStress.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1000);
}

if (args is ["peak", ..])
{
    return PeakMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1024);
}

BenchmarkSwitcher.FromAssembly(typeof(DispatchBenchmarks).Assembly).Run(args, new BenchmarkConfig());
return 0;
