namespace BugCheckCallbacks.Registration;

/// <summary>Specifies the order in which the callbacks of one reason run.</summary>
public enum CallbackOrder
{
    /// <summary>The most recently registered callback runs first: Windows inserts at the head of its list (the default).</summary>
    NewestFirst = 0,

    /// <summary>The oldest callback runs first: ReactOS inserts at the tail.</summary>
    OldestFirst = 1,
}
