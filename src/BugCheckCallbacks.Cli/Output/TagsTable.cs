using BugCheckCallbacks.Cli.Reading;

namespace BugCheckCallbacks.Cli.Output;

/// <summary>The tags table enumtag and show print.</summary>
internal static class TagsTable
{
    /// <summary>The tags as enumtag and show print them: tag, size, offset, owner (the report's component, a well-known tag's name), part, first bytes.</summary>
    public static CliTable Of(DumpSource source)
    {
        var table = new CliTable("Secondary-data tags", "Tag", "Size", "Offset", "Owner", "Part", "Data");
        foreach (var view in source.DescribeTags())
        {
            var tag = view.Tag;
            var owner = string.Join(", ", new[] { tag.Component, tag.FriendlyName }.OfType<string>());
            table.Add(DumpSource.Braced(tag.Tag), $"0x{tag.Size:X}", $"0x{tag.Offset:X}", owner.Length == 0 ? "-" : owner, view.Part ?? string.Empty, view.Preview);
        }

        return table;
    }
}
