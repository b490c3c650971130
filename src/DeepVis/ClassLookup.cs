using System.Globalization;
using System.Text;

namespace DeepVis;

/// <summary>
/// Finds a class by what the user typed: an index, else its exact name, else the one name that
/// matches case-insensitively or contains the text. Anything else is one line naming the candidates.
/// </summary>
public static class ClassLookup
{
    private const int Listed = 5;

    /// <summary>The class index for <paramref name="text"/> in a model of <paramref name="count"/> classes named <paramref name="names"/> (may be null).</summary>
    public static int Resolve(string text, IReadOnlyList<string>? names, int count)
    {
        var query = text.Trim();
        if (int.TryParse(query, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index))
            return index >= 0 && index < count
                ? index
                : throw new SettingsException($"class index {index} is out of range: the model has {count} classes, 0 to {count - 1}");
        if (query.Length == 0) throw new SettingsException($"--class needs a class name or an index 0 to {count - 1}");
        if (names is null)
            throw new SettingsException($"class '{query}': the model has no class names; give an index 0 to {count - 1}");
        var all = Enumerable.Range(0, names.Count).ToList();
        foreach (var match in new Func<int, bool>[]
        {
            i => names[i] == query,
            i => names[i].Equals(query, StringComparison.OrdinalIgnoreCase),
            i => names[i].Contains(query, StringComparison.OrdinalIgnoreCase),
        })
        {
            var found = all.Where(match).ToList();
            if (found.Count == 1) return found[0];
            if (found.Count > 1)
                throw new SettingsException($"class '{query}' is ambiguous: it matches {List(found, names)}; give the full name or an index");
        }
        var closest = all.OrderBy(i => Distance(query, names[i])).ThenBy(i => i).Take(Listed).ToList();
        throw new SettingsException($"unknown class '{query}'; closest: {List(closest, names)} (or an index 0 to {count - 1})");
    }

    /// <summary>How a class is named in messages: <c>3 'dress'</c>, or just the index for a model without names.</summary>
    public static string Describe(int index, IReadOnlyList<string>? names) => names is null ? $"{index}" : $"{index} '{names[index]}'";

    /// <summary>The output file name without extension: <c>class-3-dress</c>, <c>class-0-t-shirt-top</c>, or <c>class-3</c> without names.</summary>
    public static string FileName(int index, IReadOnlyList<string>? names)
    {
        var slug = names is null ? "" : Sanitize(names[index]);
        return slug.Length == 0 ? $"class-{index}" : $"class-{index}-{slug}";
    }

    /// <summary>Lower-case letters and digits, every other run of characters one '-', at most 40 characters.</summary>
    public static string Sanitize(string name)
    {
        var slug = new StringBuilder();
        foreach (var ch in name.ToLowerInvariant())
        {
            if (char.IsAsciiLetterOrDigit(ch)) slug.Append(ch);
            else if (slug.Length > 0 && slug[^1] != '-') slug.Append('-');
        }
        var text = slug.ToString();
        return (text.Length > 40 ? text[..40] : text).Trim('-');
    }

    private static string List(IReadOnlyList<int> indexes, IReadOnlyList<string> names)
    {
        var shown = string.Join(", ", indexes.Take(Listed).Select(i => Describe(i, names)));
        return indexes.Count > Listed ? $"{shown} and {indexes.Count - Listed} more" : shown;
    }

    /// <summary>Case-insensitive edit distance to the name or, for names like "tench, Tinca tinca", to its closest part.</summary>
    private static int Distance(string query, string name) =>
        name.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Append(name)
            .Min(part => Levenshtein(query.ToLowerInvariant(), part.ToLowerInvariant()));

    private static int Levenshtein(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
