namespace BugCheckCallbacks.Registration;

/// <summary>What the registry reads of a record of either kind (reason or classic) to deregister it.</summary>
internal interface IRegistryRecord
{
    /// <summary>Gets the registry the record was registered with, or null.</summary>
    BugCheckCallbackRegistry? Owner { get; }

    /// <summary>Gets the record's state, which the kernel changes as it calls the record.</summary>
    ref RecordStateCell StateCell { get; }
}
