using Spectre.Console;
using Spectre.Console.Rendering;

namespace BugCheckCallbacks.Cli.Output;

/// <summary>
/// A titled table that fits the console: a bordered table when it fits the width, otherwise a narrow layout — one block
/// per row, its first cell as a heading and every other cell as "column: value" — that wraps only between words, so no
/// identifier is ever split. Piped output has no width limit, so it is always the table and never wraps.
/// </summary>
internal sealed class CliTable(string title, params string[] columns)
{
    /// <summary>The most rows a table prints: 100,000 callbacks must not print 100,000 rows; --json and the report have them all.</summary>
    public const int MaxRows = 1000;

    private readonly List<(string Text, Style Style)[]> _rows = [];
    private int _count;

    public int Count => _count;

    /// <summary>Gets or sets the total the title counts, for a table its caller fills with only the first rows of more (the rest said in a line after it).</summary>
    public int? Total { get; set; }

    /// <summary>
    /// A table with fewer, shorter columns to print instead when this one does not fit the console, before falling back to
    /// one block per row (the caller fills both).
    /// </summary>
    public CliTable? Narrow { get; init; }

    public CliTable Add(params string[] cells) => Add(cells.Select(c => (c, Style.Plain)).ToArray());

    public CliTable Add(params (string Text, Style Style)[] cells)
    {
        if (cells.Length != columns.Length)
        {
            throw new ArgumentException($"A row of \"{title}\" has {cells.Length} cells; the table has {columns.Length} columns.", nameof(cells));
        }

        if (_count++ < MaxRows)
        {
            _rows.Add(cells);
        }

        return this;
    }

    public void Render(IAnsiConsole console)
    {
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape($"{title} ({Total ?? _count})"));
        foreach (var column in columns)
        {
            table.AddColumn(new TableColumn(Markup.Escape(column)) { NoWrap = true });
        }

        foreach (var row in _rows)
        {
            table.AddRow(row.Select(cell => (IRenderable)new Text(cell.Text, cell.Style)).ToArray());
        }

        var width = console.Profile.Width;
        var needed = ((IRenderable)table).Measure(new RenderOptions(console.Profile.Capabilities, new Size(int.MaxValue / 2, 1)), int.MaxValue / 2).Max;
        if (needed <= width)
        {
            console.Write(table);
            WriteOmitted(console);
            return;
        }

        if (Narrow is { } narrow)
        {
            narrow.Render(console);
            return;
        }

        console.WriteLine($"{title} ({_count}):");
        foreach (var row in _rows)
        {
            var heading = columns[0] == "#" ? $"#{row[0].Text}" : row[0].Text;
            console.Write(new Text($"  {heading}" + Environment.NewLine, row[0].Style));
            for (var i = 1; i < row.Length; i++)
            {
                if (row[i].Text.Length > 0)
                {
                    console.Write(new Padder(new Text($"{columns[i]}: {row[i].Text}", row[i].Style), new Padding(4, 0, 0, 0)));
                }
            }
        }

        WriteOmitted(console);
    }

    private void WriteOmitted(IAnsiConsole console)
    {
        if (_count > _rows.Count)
        {
            console.WriteLine($"... and {_count - _rows.Count} more row(s) of \"{title}\"; --json and the outcome report have them all.");
        }
    }
}
