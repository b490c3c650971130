namespace DeepVis.Optim.Quality;

/// <summary>Peak signal-to-noise ratio of two images of equal size, on host pixel arrays.</summary>
public static class Psnr
{
    /// <summary>
    /// 10 log10(range^2 / MSE) in dB, <paramref name="range"/> the span of the pixel values (1 for
    /// pixels in 0..1, 255 for bytes); +infinity for identical images.
    /// </summary>
    public static double Compute(IReadOnlyList<float> a, IReadOnlyList<float> b, double range = 1)
    {
        if (a.Count != b.Count) throw new ArgumentException($"psnr: images of {a.Count} and {b.Count} values");
        if (a.Count == 0) throw new ArgumentException("psnr: empty images");
        double sum = 0;
        for (var i = 0; i < a.Count; i++)
        {
            var d = (double)a[i] - b[i];
            sum += d * d;
        }
        return sum == 0 ? double.PositiveInfinity : 10 * Math.Log10(range * range / (sum / a.Count));
    }
}
