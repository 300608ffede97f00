using BugCheckCallbacks;
using BugCheckCallbacks.Dump;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

// Registers a callback through the packed library, bug-checks, writes and reads back a dump; exits non-zero on any surprise.
var tag = Guid.Parse("c0ffee00-0000-4000-8000-000000000001");
var data = "hello from the package"u8.ToArray();
var kernel = new SimulatedKernel();
var record = new BugCheckReasonCallbackRecord();
if (!kernel.Callbacks.Register(record, (_, _, d) =>
{
    var secondary = (SecondaryDumpData)d!;
    if (secondary.IsSizeQuery)
    {
        secondary.OutBufferLength = (uint)data.Length;
        return;
    }

    secondary.Guid = tag;
    secondary.SetOutput(data);
}, BugCheckCallbackReason.SecondaryDumpData, "consumer.sys"))
{
    return Fail("registration failed");
}

var stream = new MemoryStream();
BugCheckOutcome outcome;
using (var writer = new DumpFileWriter(stream, leaveOpen: true))
{
    outcome = kernel.KeBugCheckEx(0xD1, sink: writer);
}

using var dump = DumpFile.Open(stream);
var buffer = new byte[64];
var read = dump.ReadTagged(tag, buffer, out var total);
if (outcome.Violations.Count != 0 || record.State != BufferDumpState.Finished || read != data.Length || total != data.Length)
{
    return Fail($"unexpected outcome: {outcome.Violations.Count} violations, state {record.State}, {read}/{total} bytes");
}

Console.WriteLine($"package consumer: OK ({typeof(SimulatedKernel).Assembly.GetName().Version}, {read} bytes read back by tag)");
return 0;

static int Fail(string message)
{
    Console.Error.WriteLine($"package consumer: {message}");
    return 1;
}
