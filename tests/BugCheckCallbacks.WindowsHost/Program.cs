using System.Globalization;
using BugCheckCallbacks;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Native;
using BugCheckCallbacks.Simulation;

// Loads the driver args[0], bug-checks once, and prints what the run saw, one fact a line, for WindowsHostTests to read.
var kernel = new SimulatedKernel(new SimulationOptions { DumpType = DumpType.Automatic, HangTimeout = TimeSpan.FromSeconds(2) });
using var driver = kernel.LoadDriver(args[0]);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"contains faults: {driver.ContainsFaults}"));
var sink = new InMemoryDumpSink();
var outcome = kernel.KeBugCheckEx(0xD1, 1, 2, 3, 4, sink);
foreach (var violation in outcome.Violations)
{
    Console.WriteLine($"violation {violation.Code} {violation.Component}: {violation.Detail}");
}

foreach (var record in outcome.Records)
{
    Console.WriteLine($"record {record.Component}: {record.FinalState}");
}

if (outcome.Violations.All(v => v.Kind != ViolationKind.CallbackHung))
{
    using var dump = sink.Open();
    Console.WriteLine($"blob: {Convert.ToHexString(dump.ReadTagged(Guid.Parse("6b3f1a2c-4d5e-4f60-8a7b-9c0d1e2f3a4b")))}");
}
