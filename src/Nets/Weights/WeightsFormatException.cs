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

    /// <summary>"    /// <summary>""&lt;file name&gt;: &lt;what&gt;"lt;path"&lt;file name&gt;: &lt;what&gt;"gt;: "&lt;file name&gt;: &lt;what&gt;"lt;what"&lt;file name&gt;: &lt;what&gt;"gt;", the first line of <paramref name="what"/> only.</summary>lt;path    /// <summary>""&lt;file name&gt;: &lt;what&gt;"lt;path"&lt;file name&gt;: &lt;what&gt;"gt;: "&lt;file name&gt;: &lt;what&gt;"lt;what"&lt;file name&gt;: &lt;what&gt;"gt;", the first line of <paramref name="what"/> only.</summary>gt;:     /// <summary>""&lt;file name&gt;: &lt;what&gt;"lt;path"&lt;file name&gt;: &lt;what&gt;"gt;: "&lt;file name&gt;: &lt;what&gt;"lt;what"&lt;file name&gt;: &lt;what&gt;"gt;", the first line of <paramref name="what"/> only.</summary>lt;what    /// <summary>""&lt;file name&gt;: &lt;what&gt;"lt;path"&lt;file name&gt;: &lt;what&gt;"gt;: "&lt;file name&gt;: &lt;what&gt;"lt;what"&lt;file name&gt;: &lt;what&gt;"gt;", the first line of <paramref name="what"/> only.</summary>gt;", the first line of <paramref name="what"/> only.</summary>
    public static WeightsFormatException For(string path, string what, Exception? inner = null)
    {
        var message = $"{path}: {OneLine(what)}";
        return inner is null ? new WeightsFormatException(message) : new WeightsFormatException(message, inner);
    }

    /// <summary>The first non-empty line of <paramref name="text"/> (an inner exception's message), or "unknown error".</summary>
    public static string OneLine(string text)
    {
        var line = text.Split('\n')[0].Trim();
        return line.Length == 0 ? "unknown error" : line;
    }
}
