using System.Globalization;
using System.Text;

namespace DeepVis.Nets.Files;

/// <summary>
/// Text that came out of a file (a pickle global, an ONNX node name, an HDF5 attribute, a layer alias)
/// made fit to print: control characters, which a terminal would obey (escape sequences, carriage
/// returns, a bell), are written as \xNN or \uNNNN, and a very long text is cut with how much was left out.
/// </summary>
public static class FileText
{
    /// <summary>How many characters of one quoted text a message shows.</summary>
    public const int MaxQuoted = 200;

    /// <summary>
    /// <paramref name="text"/> with every control or format character escaped, cut at <paramref name="max"/>
    /// characters. Backslashes stay as they are, so escaping an escaped text changes nothing: a message that
    /// quotes a file is escaped where it is made and again where it is printed, and a path keeps its look.
    /// </summary>
    public static string Escape(string? text, int max = MaxQuoted)
    {
        if (text is null) return "";
        var builder = new StringBuilder(Math.Min(text.Length, max) + 16);
        var shown = 0;
        foreach (var c in text)
        {
            if (shown == max)
            {
                builder.Append(CultureInfo.InvariantCulture, $"... ({text.Length - max:N0} more characters)");
                break;
            }
            shown++;
            if (!IsPrintable(c)) builder.Append(c <= 0xff ? $@"\x{(int)c:x2}" : $@"\u{(int)c:x4}");
            else builder.Append(c);
        }
        return builder.ToString();
    }

    private static bool IsPrintable(char c) => CharUnicodeInfo.GetUnicodeCategory(c) switch
    {
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
        _ => true,
    };
}
