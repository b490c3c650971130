using DeepVis.Nets.Files;

namespace DeepVis.Nets.Weights;

/// <summary>
/// A weight file that cannot be read: not the expected format, truncated, or using a pickle
/// feature or global this reader does not support. The message is one line that names the file
/// and what was expected, e.g. "x.pth: not a PyTorch checkpoint (expected a zip archive or a
/// legacy torch.save pickle)".
/// </summary>
public sealed class WeightsFormatException : DeepVisException
{
    public WeightsFormatException(string message) : base(message) { }

    public WeightsFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>
    /// "&lt;path&gt;: &lt;what&gt;" on one line: what a file says is quoted with its control characters
    /// escaped (a terminal would obey them) and the line is cut at 1000 characters.
    /// </summary>
    public static WeightsFormatException For(string path, string what, Exception? inner = null)
    {
        var message = $"{path}: {FileText.Escape(what.Trim(), MaxMessage)}";
        return inner is null ? new WeightsFormatException(message) : new WeightsFormatException(message, inner);
    }

    /// <summary>The most characters of a message about a file (a name in it may be megabytes long).</summary>
    private const int MaxMessage = 1000;

    /// <summary>The first non-empty line of <paramref name="text"/> (an inner exception's message), or "unknown error".</summary>
    public static string OneLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length == 0 ? "unknown error" : line;
    }
}
