namespace DeepVis.Optim.Quality;

/// <summary>
/// Structural similarity (Wang, Bovik, Sheikh &amp; Simoncelli 2004) of two planar [C, H, W] images on
/// host pixel arrays, as the authors' reference code computes it: an 11x11 Gaussian window of sigma
/// 1.5 over the positions where it fits entirely (no padding), K1 = 0.01, K2 = 0.03, the mean of the
/// SSIM map, averaged over channels.
/// </summary>
public static class Ssim
{
    public const int WindowSize = 11;
    public const double Sigma = 1.5;
    public const double K1 = 0.01;
    public const double K2 = 0.03;

    /// <summary>
    /// SSIM in [-1, 1] (1: identical). <paramref name="range"/> is the span of the pixel values: 1 for
    /// 0..1, 255 for bytes. An image smaller than 11 pixels on a side uses the largest odd window that fits.
    /// </summary>
    public static double Compute(IReadOnlyList<float> a, IReadOnlyList<float> b, int channels, int height, int width, double range = 1)
    {
        if (a.Count != b.Count || a.Count != channels * height * width)
            throw new ArgumentException($"ssim: images of {a.Count} and {b.Count} values, expected {channels}x{height}x{width}");
        var size = Math.Min(WindowSize, (Math.Min(height, width) - 1) | 1);
        var window = Window(size);
        var (c1, c2) = (K1 * range * K1 * range, K2 * range * K2 * range);
        var plane = height * width;
        double total = 0;
        for (var c = 0; c < channels; c++)
        {
            double[] x = new double[plane], y = new double[plane], xx = new double[plane], yy = new double[plane], xy = new double[plane];
            for (var p = 0; p < plane; p++)
            {
                (x[p], y[p]) = (a[c * plane + p], b[c * plane + p]);
                (xx[p], yy[p], xy[p]) = (x[p] * x[p], y[p] * y[p], x[p] * y[p]);
            }
            var (mx, my) = (Filter(x, height, width, window), Filter(y, height, width, window));
            var (sxx, syy, sxy) = (Filter(xx, height, width, window), Filter(yy, height, width, window), Filter(xy, height, width, window));
            double sum = 0;
            for (var i = 0; i < mx.Length; i++)
            {
                var (vx, vy, cov) = (sxx[i] - mx[i] * mx[i], syy[i] - my[i] * my[i], sxy[i] - mx[i] * my[i]);
                sum += (2 * mx[i] * my[i] + c1) * (2 * cov + c2) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2));
            }
            total += sum / mx.Length;
        }
        return total / channels;
    }

    /// <summary>The 1-D Gaussian, normalized to sum 1 (the 2-D window is its outer product).</summary>
    private static double[] Window(int size)
    {
        var w = Enumerable.Range(0, size).Select(i => Math.Exp(-Math.Pow(i - size / 2, 2) / (2 * Sigma * Sigma))).ToArray();
        var norm = w.Sum();
        return Array.ConvertAll(w, v => v / norm);
    }

    /// <summary>Separable 'valid' filtering: the output is (H - size + 1) x (W - size + 1).</summary>
    private static double[] Filter(double[] image, int height, int width, double[] window)
    {
        var size = window.Length;
        var (oh, ow) = (height - size + 1, width - size + 1);
        var rows = new double[height * ow];
        for (var i = 0; i < height; i++)
            for (var j = 0; j < ow; j++)
                for (var t = 0; t < size; t++) rows[i * ow + j] += window[t] * image[i * width + j + t];
        var result = new double[oh * ow];
        for (var i = 0; i < oh; i++)
            for (var j = 0; j < ow; j++)
                for (var t = 0; t < size; t++) result[i * ow + j] += window[t] * rows[(i + t) * ow + j];
        return result;
    }
}
