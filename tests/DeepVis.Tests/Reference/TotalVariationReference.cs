namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision TV^beta (Mahendran &amp; Vedaldi) over NCHW images, differences past the
/// last column / row taken as 0, for tests only. The gradient is written as a scatter (each term
/// pushes into the elements it reads), the opposite organisation of the device's gather.
/// </summary>
public static class TotalVariationReference
{
    public static double[] Value(double[] x, int[] shape, double beta, double epsilon)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var value = new double[n];
        for (var b = 0; b < n; b++)
        for (var p = 0; p < c; p++)
        for (var i = 0; i < h; i++)
        for (var j = 0; j < w; j++)
        {
            var (dh, dv) = Differences(x, shape, b, p, i, j);
            value[b] += Math.Pow(dh * dh + dv * dv + epsilon, beta / 2);
        }
        return value;
    }

    /// <summary>sum_n weights[n] * d TV(x_n) / d x.</summary>
    public static double[] Gradient(double[] x, int[] shape, double beta, double epsilon, double[] weights)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var dx = new double[x.Length];
        for (var b = 0; b < n; b++)
        for (var p = 0; p < c; p++)
        for (var i = 0; i < h; i++)
        for (var j = 0; j < w; j++)
        {
            var (dh, dv) = Differences(x, shape, b, p, i, j);
            var g = weights[b] * beta * Math.Pow(dh * dh + dv * dv + epsilon, beta / 2 - 1);
            var at = Index(shape, b, p, i, j);
            dx[at] -= g * (dh + dv);
            if (j + 1 < w) dx[at + 1] += g * dh;
            if (i + 1 < h) dx[at + w] += g * dv;
        }
        return dx;
    }

    private static (double Dh, double Dv) Differences(double[] x, int[] shape, int b, int p, int i, int j)
    {
        var (h, w) = (shape[2], shape[3]);
        var at = Index(shape, b, p, i, j);
        return (j + 1 < w ? x[at + 1] - x[at] : 0, i + 1 < h ? x[at + w] - x[at] : 0);
    }

    private static int Index(int[] shape, int b, int p, int i, int j) => ((b * shape[1] + p) * shape[2] + i) * shape[3] + j;
}
