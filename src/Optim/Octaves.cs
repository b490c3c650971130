using DeepVis.Kernels.Runtime;

namespace DeepVis.Optim;

/// <summary>DeepDream's octave pyramid: the sizes an image is optimized at, smallest first, the last the full size.</summary>
public static class Octaves
{
    /// <summary>
    /// Octave k below the full size is round(size / scale^k) per axis, computed from the full size so
    /// rounding does not compound. Octaves smaller than <paramref name="minimum"/> on either axis are
    /// dropped, so the list can be shorter than <paramref name="count"/>; the full size must fit.
    /// </summary>
    public static IReadOnlyList<(int H, int W)> Sizes(int height, int width, int count, float scale, int minimum)
    {
        if (count < 1) throw new SettingsException($"octaves: expected at least 1, got {count}");
        if (!(scale > 1f) || !float.IsFinite(scale)) throw new SettingsException($"octave scale: expected a number above 1, got {scale}");
        if (height < minimum || width < minimum)
            throw new ShapeException($"the full size {height}x{width} is below the minimum {minimum}x{minimum} the layers take");
        var sizes = new List<(int H, int W)>();
        for (var k = count - 1; k >= 0; k--)
        {
            var factor = Math.Pow(scale, k);
            var (h, w) = ((int)Math.Round(height / factor), (int)Math.Round(width / factor));
            if (h >= minimum && w >= minimum) sizes.Add((h, w));
        }
        return sizes;
    }
}
