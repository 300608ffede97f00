using System.Diagnostics;
using System.Runtime.InteropServices;
using BugCheckCallbacks.Registration;
using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Native;

/// <summary>
/// Represents a driver compiled for the host from C (with <c>include/bugcheck_callbacks.h</c>) and loaded into a
/// <see cref="SimulatedKernel"/>: its <c>DriverEntry</c> has run and registered its records, which the kernel dispatches
/// at the crash like any other (docs/native.md).
/// </summary>
/// <remarks>
/// Each load maps a private copy of the library, so two kernels (two tests) loading the same file do not share the
/// driver's globals, as two machines would not. Disposing unloads it: its records are deregistered, <c>DriverUnload</c>
/// runs if the driver set one, and its pool and image are freed.
/// </remarks>
[DebuggerDisplay("{Name,nq}: {Records.Count} records")]
public sealed unsafe class NativeDriver : IDisposable
{
    private readonly List<BugCheckReasonCallbackRecord> _records = [];
    private readonly List<BugCheckCallbackRecord> _classicRecords = [];
    private readonly SimulatedKernel _kernel;
    private readonly string _copy;
    private nint _library;
    private DriverObject* _driverObject;
    private nint _strings;
    private (uint Code, ulong P1, ulong P2, ulong P3, ulong P4)? _bugCheck;

    private NativeDriver(SimulatedKernel kernel, string path, string copy, string name)
    {
        _kernel = kernel;
        Path = path;
        _copy = copy;
        Name = name;
        Kernel = NativeKernel.Of(kernel);
        Memory = new DriverMemory([]);
    }

    /// <summary>Gets the driver's name: the library's file name without <c>lib</c> and extension, as in <c>\Driver\Name</c>.</summary>
    public string Name { get; }

    /// <summary>Gets the full path of the library that was loaded (a private copy of it is what is mapped).</summary>
    public string Path { get; }

    /// <summary>Gets what <c>DriverEntry</c> returned.</summary>
    public NtStatus DriverEntryStatus { get; private set; }

    /// <summary>Gets the managed twins of the reason records the driver registered (<c>KBUGCHECK_REASON_CALLBACK_RECORD</c>), in registration order.</summary>
    /// <remarks>Outcome rows name these; their <see cref="BugCheckReasonCallbackRecord.Component"/> is the driver's component string.</remarks>
    public IReadOnlyList<BugCheckReasonCallbackRecord> Records => _records;

    /// <summary>Gets the managed twins of the classic records the driver registered (<c>KBUGCHECK_CALLBACK_RECORD</c>).</summary>
    public IReadOnlyList<BugCheckCallbackRecord> ClassicRecords => _classicRecords;

    internal NativeKernel Kernel { get; }

    internal DriverMemory Memory { get; private set; }

    internal BccDriverGlue* Glue { get; private set; }

    /// <summary>
    /// Loads the driver library at <paramref name="path"/> into <paramref name="kernel"/> and calls its <c>DriverEntry</c>
    /// with a driver object and a registry path, at PASSIVE_LEVEL, on this thread.
    /// </summary>
    /// <param name="kernel">The kernel; it must not have bug-checked.</param>
    /// <param name="path">A shared library built with <c>include/bugcheck_callbacks.h</c> (a <c>.so</c>, <c>.dylib</c> or <c>.dll</c> for this host).</param>
    /// <returns>The loaded driver.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="kernel"/> or <paramref name="path"/> is null.</exception>
    /// <exception cref="FileNotFoundException">No file is at <paramref name="path"/>.</exception>
    /// <exception cref="InvalidOperationException">The kernel has bug-checked or is bug-checking.</exception>
    /// <exception cref="NativeDriverException">The library cannot be loaded for this host, was not built with the header, or its <c>DriverEntry</c> failed or bug-checked.</exception>
    public static NativeDriver Load(SimulatedKernel kernel, string path)
    {
        ArgumentNullException.ThrowIfNull(kernel);
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new FileNotFoundException($"No driver library at '{fullPath}'.", fullPath);
        }

        if (kernel.HasBugChecked || kernel.IsRunning)
        {
            throw new InvalidOperationException(kernel.HasBugChecked
                ? "The simulated kernel has already bug-checked; load drivers before the crash."
                : "The simulated kernel is running a bug check or a call; load drivers before the crash.");
        }

        var copy = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "BugCheckCallbacks.Drivers", Guid.NewGuid().ToString("N"), System.IO.Path.GetFileName(fullPath));
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(copy)!);
        File.Copy(fullPath, copy);
        var driver = new NativeDriver(kernel, fullPath, copy, NameOf(fullPath));
        try
        {
            driver.Start();
            NativeKernel.Of(kernel).AddDriver(driver);
            return driver;
        }
        catch
        {
            driver.Dispose();
            throw;
        }
    }

    /// <summary>Gets the address of an exported symbol of the driver (a global record, say, to read it as C sees it).</summary>
    /// <param name="name">The symbol's name.</param>
    /// <returns>Its address in this process.</returns>
    /// <exception cref="ObjectDisposedException">The driver was unloaded.</exception>
    /// <exception cref="EntryPointNotFoundException">The driver exports no such symbol.</exception>
    public nint GetExport(string name)
    {
        ObjectDisposedException.ThrowIf(_library == 0, this);
        return NativeLibrary.GetExport(_library, name);
    }

    /// <summary>Gets the address of the driver's own <c>KBUGCHECK_REASON_CALLBACK_RECORD</c> behind <paramref name="record"/>, to read it as C sees it (the <see cref="Interop.KBUGCHECK_REASON_CALLBACK_RECORD"/> layout).</summary>
    /// <param name="record">One of <see cref="Records"/>, still registered.</param>
    /// <returns>The record's address in the driver's memory.</returns>
    /// <exception cref="ArgumentException"><paramref name="record"/> is not a registered record of this driver.</exception>
    public nint AddressOf(BugCheckReasonCallbackRecord record) =>
        Kernel.AddressOf(this, record) is { } address and not 0 ? address : throw new ArgumentException("The record is not a registered record of this driver.", nameof(record));

    /// <summary>Unloads the driver: deregisters its records, runs its <c>DriverUnload</c>, frees its pool and its image.</summary>
    /// <remarks>A driver whose routine hung stays mapped: its thread may still be running its code.</remarks>
    /// <exception cref="InvalidOperationException">The kernel is running a bug check or a call, which may be inside the driver's code.</exception>
    public void Dispose()
    {
        if (_library == 0)
        {
            TryDelete(System.IO.Path.GetDirectoryName(_copy)!); // a load that failed before the library was mapped
            return;
        }

        if (_kernel.IsRunning)
        {
            throw new InvalidOperationException("The simulated kernel is running a bug check or a call that may be inside this driver; unload it afterwards.");
        }

        if (!_kernel.IsHung)
        {
            Kernel.DeregisterAll(this);
            if (_driverObject is not null && _driverObject->DriverUnload != 0 && Glue is not null)
            {
                var outer = CallingDriver.Enter(this);
                try
                {
                    if (ContainsFaults)
                    {
                        // Through the trampoline, so a fault in it is contained: the unload completes all the same.
                        _ = Glue->InvokeDriverUnload(_driverObject->DriverUnload, _driverObject);
                    }
                    else
                    {
                        ((delegate* unmanaged<DriverObject*, void>)_driverObject->DriverUnload)(_driverObject);
                    }
                }
                finally
                {
                    CallingDriver.Leave(outer);
                }
            }

            Memory.Dispose();
            NativeMemory.Free(_driverObject);
            NativeMemory.Free((void*)_strings);
            // A driver whose fault handler another driver's was installed over stays mapped: that one passes faults on to it.
            if (!ContainsFaults || Glue->ContainFaults(0, 0, 0, null) != 0)
            {
                NativeLibrary.Free(_library);
                TryDelete(System.IO.Path.GetDirectoryName(_copy)!);
            }
        }

        NativeKernel.Of(_kernel).RemoveDriver(this);
        _library = 0;
    }

    /// <summary>Notes a <c>KeBugCheckEx</c> from the driver's code; the header's wrapper then unwinds to the trampoline.</summary>
    internal void NoteBugCheck(uint code, ulong parameter1, ulong parameter2, ulong parameter3, ulong parameter4) =>
        _bugCheck = (code, parameter1, parameter2, parameter3, parameter4); // no allocation inside the driver's call

    /// <summary>The driver's last <c>KeBugCheckEx</c>, with its own parameters, taken once.</summary>
    internal NestedBugCheckException TakeBugCheck()
    {
        var (code, p1, p2, p3, p4) = _bugCheck ?? default;
        _bugCheck = null;
        return new NestedBugCheckException(new(code, p1, p2, p3, p4));
    }

    /// <summary>
    /// Gets whether a fault in the driver's routines (SIGSEGV, SIGBUS, SIGILL, SIGFPE; on Windows an access violation, an
    /// illegal instruction, an arithmetic exception) is contained as the kernel's exception handler contains it
    /// (docs/native.md, "When a routine faults"): true for a driver built with version 2 of <c>bugcheck_callbacks.h</c>
    /// on Linux or macOS, or on Windows x64 against mingw-w64 (gcc or clang); false for a version 1 driver, one built
    /// against MSVC's runtime (cl, clang-cl), or one that hid POSIX signals (a system header before the header under a
    /// strict <c>-std</c>) — then a fault ends the process.
    /// </summary>
    public bool ContainsFaults { get; private set; }

    /// <summary>Asks the glue to stop the routine of this driver running now, if any (it unwinds as a fault); true when one was running.</summary>
    internal bool Interrupt() => ContainsFaults && Glue->Interrupt() != 0;

    /// <summary>Installs the glue's fault handler, with the image and the name it reports a fault outside a routine with.</summary>
    private bool ContainFaults()
    {
        var name = System.Text.Encoding.UTF8.GetBytes(System.IO.Path.GetFileName(Path) + "\0");
        fixed (byte* text = name)
        {
            return Glue->ContainFaults(1, Memory.ImageStart, Memory.ImageEnd, text) != 0;
        }
    }

    /// <summary>The fault a trampoline contained on this thread, as the exception the run reports, taken once.</summary>
    internal NativeFaultException TakeFault(string routine)
    {
        BccFault fault;
        Glue->TakeFault(&fault);
        return NativeFaultException.Of(this, fault, routine);
    }

    internal void Added(BugCheckReasonCallbackRecord record) => _records.Add(record);

    internal void Added(BugCheckCallbackRecord record) => _classicRecords.Add(record);

    private static string NameOf(string path)
    {
        var name = System.IO.Path.GetFileNameWithoutExtension(path);
        return name.StartsWith("lib", StringComparison.Ordinal) && name.Length > 3 ? name[3..] : name;
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // A library some loader still holds open: the temporary folder is left behind.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Maps the library, fills its glue, and runs DriverEntry through the header's trampoline.</summary>
    private void Start()
    {
        var (glue, entry) = LoadLibrary();
        TakeGlue(glue);
        Glue->Kernel = KernelRoutines.Table;
        Memory = new DriverMemory(ImageRanges.Find(_copy, _library, glue));
        BuildDriverObject(entry);
        ContainsFaults = Glue->Version >= 2 && ContainFaults(); // a version 1 driver's faults are not contained

        var outer = CallingDriver.Enter(this);
        int status;
        int bugChecked;
        try
        {
            bugChecked = Glue->InvokeDriverEntry(entry, (nint)_driverObject, _strings, &status);
        }
        finally
        {
            CallingDriver.Leave(outer);
        }

        if (bugChecked == BccDriverGlue.Faulted)
        {
            throw new NativeDriverException($"{Path}: {TakeFault("DriverEntry").Message} The driver was not loaded.");
        }

        if (bugChecked != 0)
        {
            throw new NativeDriverException($"{Path}: DriverEntry called {TakeBugCheck().Call}.");
        }

        DriverEntryStatus = (NtStatus)status;
        if (status < 0)
        {
            throw new NativeDriverException($"{Path}: DriverEntry returned 0x{status:X8}; the driver was unloaded.");
        }
    }

    /// <summary>Loads the library and finds its two exports: the glue the header defines and DriverEntry.</summary>
    private (nint Glue, nint Entry) LoadLibrary()
    {
        try
        {
            _library = NativeLibrary.Load(_copy);
        }
        catch (Exception exception) when (exception is DllNotFoundException or BadImageFormatException)
        {
            // The runtime's message is several lines of advice; the loader's own reason is its last line.
            var reason = exception.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1].Replace(_copy, Path, StringComparison.Ordinal);
            throw new NativeDriverException($"{Path}: cannot be loaded as a driver on this host: {reason}", exception);
        }

        if (!NativeLibrary.TryGetExport(_library, "BccDriverGlue", out var glue))
        {
            throw new NativeDriverException($"{Path}: does not export BccDriverGlue; build the driver with include/bugcheck_callbacks.h (docs/native.md).");
        }

        if (!NativeLibrary.TryGetExport(_library, "DriverEntry", out var entry))
        {
            throw new NativeDriverException($"{Path}: does not export DriverEntry.");
        }

        return (glue, entry);
    }

    /// <summary>Takes the driver's glue, whose version and size must be this kernel's, or version 1's (which loads without fault containment).</summary>
    private void TakeGlue(nint glue)
    {
        Glue = (BccDriverGlue*)glue;
        var known = (Glue->Version == BccDriverGlue.CurrentVersion && Glue->Size == sizeof(BccDriverGlue)) || (Glue->Version == 1 && Glue->Size == BccDriverGlue.Version1Size);
        if (!known)
        {
            throw new NativeDriverException($"{Path}: was built with another version of bugcheck_callbacks.h (glue version {Glue->Version}, size 0x{Glue->Size:X}; this kernel needs version {BccDriverGlue.CurrentVersion}, size 0x{sizeof(BccDriverGlue):X}).");
        }
    }

    /// <summary>A zeroed <c>DRIVER_OBJECT</c> with its type, size, image, name and entry, and the registry path, in native memory.</summary>
    private void BuildDriverObject(nint entry)
    {
        var driverName = $"\\Driver\\{Name}";
        var registryPath = $"\\Registry\\Machine\\System\\CurrentControlSet\\Services\\{Name}";
        var stringsSize = sizeof(NativeUnicodeString) + ((driverName.Length + registryPath.Length + 2) * 2);
        _strings = (nint)NativeMemory.AllocZeroed((nuint)stringsSize);
        var registry = (NativeUnicodeString*)_strings;
        var text = (char*)(registry + 1);
        *registry = Unicode(registryPath, text);
        _driverObject = (DriverObject*)NativeMemory.AllocZeroed((nuint)sizeof(DriverObject));
        _driverObject->Type = 4; // IO_TYPE_DRIVER
        _driverObject->Size = (short)sizeof(DriverObject);
        _driverObject->DriverStart = Memory.ImageStart;
        _driverObject->DriverSize = (uint)(Memory.ImageEnd - Memory.ImageStart);
        _driverObject->DriverName = Unicode(driverName, text + registryPath.Length + 1);
        _driverObject->DriverInit = entry;

        static NativeUnicodeString Unicode(string value, char* buffer)
        {
            value.AsSpan().CopyTo(new Span<char>(buffer, value.Length));
            return new NativeUnicodeString { Length = (ushort)(value.Length * 2), MaximumLength = (ushort)((value.Length + 1) * 2), Buffer = (nint)buffer };
        }
    }
}
