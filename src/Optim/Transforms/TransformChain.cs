using System.Globalization;
using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim.Transforms;

/// <summary>
/// A list of random transforms followed by Lucid's crop_or_pad_to back to the render size. Every
/// image of every step draws its own parameters; <see cref="Upload"/> draws a whole run at once
/// into a device table [steps * N, 6], so the loop reads step s's maps at row s * N with no upload
/// or host round trip per step.
/// </summary>
public sealed record TransformChain(IReadOnlyList<Transform> Transforms)
{
    /// <summary>The value outside the image (Lucid's pad uses 0.5, mid grey).</summary>
    public const float Padding = 0.5f;

    /// <summary>
    /// Lucid's standard_transforms: pad 12, jitter 8, scale 1 + (i - 5) / 50 for i in 0..10, rotate
    /// by -10..10 degrees, jitter 4.
    /// </summary>
    public static TransformChain Standard { get; } = new([
        new Transform.Pad(12), new Transform.Jitter(8),
        new Transform.Scale([.. Enumerable.Range(0, 11).Select(i => 1 + (i - 5) / 50.0)]),
        new Transform.Rotate([.. Enumerable.Range(-10, 21).Select(d => (double)d)]), new Transform.Jitter(4),
    ]);

    public static TransformChain None { get; } = new([]);

    /// <summary>The largest pad, jitter or shift in pixels: far beyond any image a network takes, small enough that a typo is caught.</summary>
    public const int MaxPixels = 1024;

    /// <summary>The widest rotate:D, in degrees either way (a half turn covers every angle).</summary>
    public const int MaxDegrees = 180;

    /// <summary>The largest scale factor (the smallest is 0.1).</summary>
    public const double MaxScale = 10;

    public bool IsEmpty => Transforms.Count == 0;

    public string Text => IsEmpty ? "none" : string.Join(",", Transforms.Select(t => t.Text));

    /// <summary>One image's map from the output (height x width) to the image it transforms (also height x width).</summary>
    public AffineMap Draw(int height, int width, Random random)
    {
        var (h, w, map) = (height, width, AffineMap.Identity);
        foreach (var t in Transforms)
        {
            var (nh, nw, step) = t.Draw(h, w, random);
            if (nh < 1 || nw < 1) throw new SettingsException(Empty(height, width, t));
            (h, w, map) = (nh, nw, map.After(step));
        }
        // crop_or_pad_to: centred, as tf.image.resize_with_crop_or_pad.
        return map.After(AffineMap.Shift(Offset(h, height), Offset(w, width)));
    }

    /// <summary>
    /// Why the chain cannot transform a <paramref name="height"/> x <paramref name="width"/> image (some
    /// draw leaves it empty: a jitter larger than what is left of the image), or null.
    /// </summary>
    public string? Problem(int height, int width)
    {
        var (h, w) = (height, width);
        foreach (var t in Transforms)
        {
            (h, w) = t switch
            {
                Transform.Pad p => (h + 2 * p.Pixels, w + 2 * p.Pixels),
                Transform.Jitter j => (h - j.Pixels, w - j.Pixels),
                Transform.Scale s => (Math.Max(1, (int)Math.Round(h * s.Factors.Min())), Math.Max(1, (int)Math.Round(w * s.Factors.Min()))),
                _ => (h, w),
            };
            if (h < 1 || w < 1) return Empty(height, width, t);
        }
        return null;
    }

    private string Empty(int height, int width, Transform at) =>
        $"transforms {Text}: a {height}x{width} image can become empty at {at.Text}; expected jitters smaller than what is left of the image";

    private static int Offset(int from, int to) => from >= to ? (from - to) / 2 : -((to - from) / 2);

    /// <summary>Draws every step's maps for a batch and uploads them as one [steps * batch, 6] device tensor.</summary>
    public Tensor Upload(Device device, int steps, int batch, int height, int width, Random random) =>
        Upload(device, steps, height, width, [.. Enumerable.Repeat(random, batch)]);

    /// <summary>
    /// The same with one source per image: image n draws its steps' maps, in step order, from
    /// <paramref name="sources"/>[n] only, so an image's transforms do not depend on the rest of its batch.
    /// </summary>
    public Tensor Upload(Device device, int steps, int height, int width, IReadOnlyList<Random> sources)
    {
        var batch = sources.Count;
        var data = new List<float>(steps * batch * AffineSample.Coefficients);
        for (var i = 0; i < steps * batch; i++) data.AddRange(Draw(height, width, sources[i % batch]).Coefficients);
        return Tensor.FromArray(device, [.. data], steps * batch, AffineSample.Coefficients);
    }

    /// <summary>
    /// "standard", "none", or a comma-separated list of pad:N, jitter:N, shift:X/Y, scale:A/B/..., scale:LO-HI
    /// (11 even steps), rotate:D (every whole degree in -D..D) or rotate:A/B/....
    /// </summary>
    public static TransformChain Parse(string text)
    {
        var spec = text.Trim();
        if (spec.Equals("standard", StringComparison.OrdinalIgnoreCase)) return Standard;
        if (spec.Equals("none", StringComparison.OrdinalIgnoreCase)) return None;
        return new([.. spec.Split(',').Select(ParseOne)]);
    }

    private static Transform ParseOne(string item)
    {
        var parts = item.Trim().Split(':', 2);
        var name = parts[0].ToLowerInvariant();
        if (parts.Length != 2 || parts[1].Length == 0)
            throw new SettingsException($"transform '{item.Trim()}' needs a value after ':' (pad:N, jitter:N, shift:X/Y, scale:LO-HI, rotate:D)");
        var value = parts[1];
        return name switch
        {
            "pad" => new Transform.Pad(Whole(value, item, MaxPixels)),
            "jitter" => new Transform.Jitter(Whole(value, item, MaxPixels)),
            "shift" => Shift(value, item),
            "scale" => new Transform.Scale(Values(value, item, range: (lo, hi) =>
                [.. Enumerable.Range(0, 11).Select(i => lo + (hi - lo) * i / 10)], 0.1, MaxScale)),
            "rotate" => new Transform.Rotate(value.Contains('/')
                ? Values(value, item, null, -MaxDegrees, MaxDegrees)
                : [.. Enumerable.Range(-Whole(value, item, MaxDegrees), 2 * Whole(value, item, MaxDegrees) + 1).Select(d => (double)d)]),
            _ => throw new SettingsException($"unknown transform '{parts[0]}' in '{item.Trim()}': expected pad, jitter, shift, scale or rotate"),
        };
    }

    private static Transform.Shift Shift(string value, string item)
    {
        var parts = value.Split('/');
        int Signed(string s) => int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) && Math.Abs((long)v) <= MaxPixels
            ? v : throw new SettingsException($"transform '{item.Trim()}': '{s}' is not a whole number from -{MaxPixels} to {MaxPixels}");
        return parts.Length == 2 ? new Transform.Shift(Signed(parts[0]), Signed(parts[1]))
            : throw new SettingsException($"transform '{item.Trim()}': a shift is X/Y pixels");
    }

    private static int Whole(string value, string item, int maximum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v <= maximum
            ? v : throw new SettingsException($"transform '{item.Trim()}': '{value}' is not a whole number from 0 to {maximum}");

    private static double[] Values(string value, string item, Func<double, double, double[]>? range, double minimum, double maximum)
    {
        double Number(string s) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= minimum && v <= maximum
                ? v : throw new SettingsException($"transform '{item.Trim()}': '{s}' is not a number from {minimum} to {maximum}");
        var dash = value.IndexOf('-', 1);
        if (range is not null && dash > 0 && !value.Contains('/'))
        {
            var (lo, hi) = (Number(value[..dash]), Number(value[(dash + 1)..]));
            if (hi < lo) throw new SettingsException($"transform '{item.Trim()}': the range {lo}-{hi} is backwards");
            return range(lo, hi);
        }
        return [.. value.Split('/').Select(Number)];
    }
}
