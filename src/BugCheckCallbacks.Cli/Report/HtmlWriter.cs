using System.Net;

namespace BugCheckCallbacks.Cli.Report;

/// <summary>
/// Writes HTML as it goes, to any <see cref="TextWriter"/>: every string that comes from a file or a user (components,
/// tags, module names, scenario text) goes through <see cref="Escape"/>, so a component named <c>&lt;script&gt;</c> is text.
/// </summary>
internal sealed class HtmlWriter(TextWriter output)
{
    /// <summary>HTML-escapes text for an element's content or a double-quoted attribute; control characters become U+FFFD.</summary>
    public static string Escape(string? text)
    {
        var encoded = WebUtility.HtmlEncode(text ?? string.Empty); // < > & " ' and the non-ASCII range
        return encoded.AsSpan().IndexOfAnyInRange('\0', '\u001f') < 0 ? encoded : string.Create(encoded.Length, encoded, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                var c = source[i];
                span[i] = c < ' ' && c is not '\n' and not '\t' ? '\uFFFD' : c; // not allowed in HTML text, and a terminal trick in a name
            }
        });
    }

    /// <summary>Writes markup as is: only for text this code wrote itself.</summary>
    public HtmlWriter Raw(string markup)
    {
        output.Write(markup);
        return this;
    }

    /// <summary>Writes text, escaped.</summary>
    public HtmlWriter Text(string? text)
    {
        output.Write(Escape(text));
        return this;
    }

    /// <summary>Writes <c>&lt;tag class="…"&gt;text&lt;/tag&gt;</c>, the text escaped.</summary>
    public HtmlWriter Element(string tag, string? text, string? cssClass = null)
    {
        output.Write(cssClass is null ? $"<{tag}>" : $"<{tag} class=\"{cssClass}\">");
        output.Write(Escape(text));
        output.Write($"</{tag}>");
        return this;
    }

    /// <summary>
    /// Writes a table: a caption, a header row and at most <paramref name="max"/> rows (the rest counted in a line below it).
    /// Columns whose index <paramref name="isNumber"/> accepts are set right-aligned in monospace.
    /// </summary>
    public HtmlWriter Table(string caption, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, int max = int.MaxValue, Func<int, bool>? isNumber = null, Func<IReadOnlyList<string>, string?>? rowAttributes = null)
    {
        Raw("<table><caption>").Text(caption).Raw("</caption><thead><tr>");
        foreach (var header in headers)
        {
            Raw("<th scope=\"col\">").Text(header).Raw("</th>");
        }

        Raw("</tr></thead><tbody>");
        var count = 0;
        foreach (var row in rows)
        {
            if (count++ >= max)
            {
                continue; // counted, not written
            }

            Raw(rowAttributes?.Invoke(row) is { } attributes ? $"<tr {attributes}>" : "<tr>");
            for (var i = 0; i < row.Count; i++)
            {
                Raw(isNumber?.Invoke(i) == true ? "<td class=\"num\">" : "<td>").Text(row[i]).Raw("</td>");
            }

            Raw("</tr>");
        }

        Raw("</tbody></table>");
        if (count > max)
        {
            Raw("<p class=\"note\">").Text(FormattableString.Invariant($"… and {count - max:N0} more (the first {max:N0} are shown; bugcheck's --json output has every one).")).Raw("</p>");
        }

        return this;
    }
}
