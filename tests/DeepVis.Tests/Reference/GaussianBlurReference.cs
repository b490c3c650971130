namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision Gaussian blur with PyTorch 'reflect' padding, for tests only: a direct 2-D
/// (not separable) forward and a scatter transpose, so both are independent of the kernels' gathers.
/// </summary>
public static class GaussianBlurReference
{
    /// <summary>exp(-t^2 / (2 sigma^2)) for t in [-r, r], normalized to sum 1.</summary>
    public static double[] Weights(int size, double sigma)
    {
        var radius = size / 2;
        var w = new double[size];
        for (var t = -radius; t <= radius; t++) w[t + radius] = Math.Exp(-(double)t * t / (2 * sigma * sigma));
        var sum = w.Sum();
        return Array.ConvertAll(w, v => v / sum);
    }

    /// <summary>Mirror about the first and last elements (without repeating them) until inside [0, n).</summary>
    public static int Reflect(int m, int n)
    {
        if (n == 1) return 0;
        while (m < 0 || m >= n) m = m < 0 ? -m : 2 * (n - 1) - m;
        return m;
    }

    public static double[] Forward(double[] x, int[] shape, int size, double sigma)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var weights = Weights(size, sigma);
        var r = size / 2;
        var y = new double[x.Length];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                {
                    double sum = 0;
                    for (var a = -r; a <= r; a++)
                        for (var b = -r; b <= r; b++)
                            sum += weights[a + r] * weights[b + r] * x[(p * h + Reflect(i + a, h)) * w + Reflect(j + b, w)];
                    y[(p * h + i) * w + j] = sum;
                }
        return y;
    }

    /// <summary>The transpose of <see cref="Forward"/>, by scattering every output through its taps.</summary>
    public static double[] Backward(double[] dy, int[] shape, int size, double sigma)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var weights = Weights(size, sigma);
        var r = size / 2;
        var dx = new double[dy.Length];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                    for (var a = -r; a <= r; a++)
                        for (var b = -r; b <= r; b++)
                            dx[(p * h + Reflect(i + a, h)) * w + Reflect(j + b, w)] +=
                                weights[a + r] * weights[b + r] * dy[(p * h + i) * w + j];
        return dx;
    }
}
