using BugCheckCallbacks.Simulation;

namespace BugCheckCallbacks.Native;

/// <summary>
/// The native drivers of a <see cref="SimulatedKernel"/>: C drivers built with <c>include/bugcheck_callbacks.h</c>,
/// loaded into it as Windows loads a driver and calls its <c>DriverEntry</c> (docs/native.md).
/// </summary>
public static class NativeDrivers
{
    extension(SimulatedKernel kernel)
    {
        /// <summary>Gets the native drivers loaded into the kernel (<c>LoadDriver</c>), in load order.</summary>
        public IReadOnlyList<NativeDriver> Drivers => kernel.Extension is NativeKernel native ? native.Drivers : [];

        /// <summary>
        /// Loads a driver compiled for the host from C with <c>include/bugcheck_callbacks.h</c> and runs its <c>DriverEntry</c>,
        /// which registers its records here as it would in Windows (docs/native.md).
        /// </summary>
        /// <param name="path">The driver's shared library (<c>.so</c>, <c>.dylib</c> or <c>.dll</c>).</param>
        /// <returns>The loaded driver; dispose it to unload it.</returns>
        /// <exception cref="ArgumentNullException"><paramref name="path"/> is null.</exception>
        /// <exception cref="FileNotFoundException">No file is at <paramref name="path"/>.</exception>
        /// <exception cref="InvalidOperationException">The kernel has bug-checked, or is running a bug check or a call.</exception>
        /// <exception cref="NativeDriverException">The library cannot be loaded, was not built with the header, or its <c>DriverEntry</c> failed.</exception>
        public NativeDriver LoadDriver(string path) => NativeDriver.Load(kernel, path);
    }
}
