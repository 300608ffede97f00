namespace BugCheckCallbacks;

/// <summary>Represents a stop code as Microsoft's public bug-check code reference names it (the names and meanings only).</summary>
/// <param name="Code">The stop code (<c>KeBugCheckEx</c>'s <c>BugCheckCode</c>).</param>
/// <param name="Name">Its symbolic name, such as <c>DRIVER_IRQL_NOT_LESS_OR_EQUAL</c>.</param>
/// <param name="Parameters">What parameters 1 to 4 mean, where the reference says; empty where they depend on a subcode.</param>
/// <param name="CodeAddressParameter">Which parameter (1–4) is the address of the faulting code, or null.</param>
public sealed record BugCheckCodeInfo(uint Code, string Name, IReadOnlyList<string> Parameters, int? CodeAddressParameter);
