using System.Globalization;

namespace DeepVis.Ops;

/// <summary>
/// The ranges every op's geometry is checked against when a model is loaded (stored graphs, ONNX
/// imports and the built-in architectures alike), so that no kernel ever sees a stride of 0, a negative
/// pad or a window that overflows its index arithmetic.
/// </summary>
public static class Ranges
{
    /// <summary>
    /// The largest kernel side, stride, dilation, pad or pooled size accepted: far beyond any image CNN,
    /// and small enough that input side plus pads and kernel times dilation stay well inside an int.
    /// </summary>
    public const int MaxExtent = 4096;

    /// <summary>
    /// Null when every value is a whole number from <paramref name="min"/> to <paramref name="max"/>, else
    /// "attribute 'name' is V; expected ...": the part of a refusal after the node's name.
    /// </summary>
    public static string? Problem(string attribute, IReadOnlyList<double> values, long min, long max)
    {
        if (values.All(v => v == Math.Floor(v) && v >= min && v <= max)) return null;
        return $"attribute '{attribute}' is {Format(values)}; expected {(values.Count == 1 ? "a whole number" : "whole numbers")} from {min} to {max}";
    }

    /// <summary>The same check for values a program gives (the built-in architectures' settings).</summary>
    public static string? Problem(string attribute, long min, long max, params long[] values) =>
        Problem(attribute, [.. values.Select(v => (double)v)], min, max);

    /// <summary>"3" for one value, "[3, 3]" for several, as a stored graph writes them.</summary>
    public static string Format(IReadOnlyList<double> values) =>
        values.Count == 1 ? Text(values[0]) : $"[{string.Join(", ", values.Select(Text))}]";

    private static string Text(double v) => v.ToString("G", CultureInfo.InvariantCulture);
}
