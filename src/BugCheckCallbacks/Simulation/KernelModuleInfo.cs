namespace BugCheckCallbacks.Simulation;

/// <summary>Represents one module the simulated kernel lists on <c>PsLoadedModuleList</c> (a <c>KLDR_DATA_TABLE_ENTRY</c>).</summary>
/// <param name="Name">The module's file name (<c>BaseDllName</c>).</param>
/// <param name="Base">The image base (<c>DllBase</c>).</param>
/// <param name="Size">The image size (<c>SizeOfImage</c>).</param>
public sealed record KernelModuleInfo(string Name, ulong Base, ulong Size);
