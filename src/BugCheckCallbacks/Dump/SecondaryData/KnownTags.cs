namespace BugCheckCallbacks.Dump;

/// <summary>Friendly names of well-known secondary-data tags.</summary>
public static class KnownTags
{
    /// <summary>KMDF's In-Flight Recorder log of the faulting driver (<c>WdfDumpGuid</c>, open-source KMDF).</summary>
    public static readonly Guid WdfDumpGuid = new("54c84888-01d1-4c1e-bed6-282c98241303");

    /// <summary>KMDF's list of loaded KMDF drivers (<c>WdfDumpGuid2</c>, open-source KMDF).</summary>
    public static readonly Guid WdfDumpGuid2 = new("f87e4a4c-c5a1-4d2f-bff0-d5de63a5e4c3");

    private static readonly Dictionary<Guid, string> s_names = new()
    {
        [WdfDumpGuid] = "KMDF IFR log (WdfDumpGuid)",
        [WdfDumpGuid2] = "KMDF driver info (WdfDumpGuid2)",
    };

    /// <summary>Gets the friendly name of <paramref name="tag"/>, or <see langword="null"/> when it is not a known tag.</summary>
    /// <param name="tag">The GUID tag.</param>
    /// <returns>The name, or <see langword="null"/>.</returns>
    public static string? GetFriendlyName(Guid tag) => s_names.GetValueOrDefault(tag);
}
