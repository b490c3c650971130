using System.Text;

namespace DeepVis.Nets.Files;

/// <summary>
/// A name that came out of a file (a layer alias, a node name, a class name) turned into one safe
/// component of a file name: it can never name a folder, climb out of one, or be a hidden file.
/// </summary>
public static class PathName
{
    /// <summary>The longest component made, in characters (file systems allow 255 bytes).</summary>
    public const int MaxLength = 100;

    /// <summary>
    /// Letters, digits, '.', '_', '-' and '+' are kept; every other character (separators, control
    /// characters, spaces, ':') becomes '_'; leading dots and separators are dropped, so "/layer1/conv"
    /// is "layer1_conv" and "../../x" is "x"; an empty result is "_".
    /// </summary>
    public static string Of(string name)
    {
        var builder = new StringBuilder(Math.Min(name.Length, MaxLength));
        foreach (var c in name)
        {
            if (builder.Length == MaxLength) break;
            var safe = char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+' ? c : '_';
            if (builder.Length == 0 && safe is '.' or '_' && c is '.' or '/' or '\\') continue;
            builder.Append(safe);
        }
        return builder.Length == 0 ? "_" : builder.ToString();
    }
}
