using BenchmarkDotNet.Running;
using BugCheckCallbacks.Benchmarks;

// `dotnet run -c Release -- --filter *` runs every benchmark; `-- peak` measures the 1 GiB dump's peak working set.
if (args is ["peak", ..])
{
    return PeakMemory.Run(args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 1024);
}

BenchmarkSwitcher.FromAssembly(typeof(DispatchBenchmarks).Assembly).Run(args, new BenchmarkConfig());
return 0;
