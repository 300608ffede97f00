namespace BugCheckCallbacks.Simulation;

/// <summary>
/// Holds a reference that a record's synthesized equality skips: an outcome row is equal to another with the same values
/// whichever live record object it points at, so hand-built expectations and rows read back from JSON compare equal.
/// </summary>
/// <typeparam name="T">The referenced type.</typeparam>
internal readonly struct NotCompared<T>(T? value) : IEquatable<NotCompared<T>>
    where T : class
{
    public T? Value { get; } = value;

    public bool Equals(NotCompared<T> other) => true;

    public override bool Equals(object? obj) => obj is NotCompared<T>;

    public override int GetHashCode() => 0;
}
