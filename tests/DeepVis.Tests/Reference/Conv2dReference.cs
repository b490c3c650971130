namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision convolution (NCHW, OIHW weights), for tests only.</summary>
public static class Conv2dReference
{
    public static double[] Forward(double[] x, int n, int c, int h, int w, double[] weight, int o, int kh, int kw,
        double[]? bias, int sh, int sw, int ph, int pw, out int oh, out int ow)
    {
        var outH = (h + 2 * ph - kh) / sh + 1;
        var outW = (w + 2 * pw - kw) / sw + 1;
        var y = new double[n * o * outH * outW];
        for (var b = 0; b < n; b++)
        for (var f = 0; f < o; f++)
        for (var i = 0; i < outH; i++)
        for (var j = 0; j < outW; j++)
        {
            var sum = bias?[f] ?? 0;
            for (var ch = 0; ch < c; ch++)
            for (var u = 0; u < kh; u++)
            for (var v = 0; v < kw; v++)
            {
                var (y0, x0) = (i * sh - ph + u, j * sw - pw + v);
                if (y0 >= 0 && y0 < h && x0 >= 0 && x0 < w)
                    sum += weight[((f * c + ch) * kh + u) * kw + v] * x[((b * c + ch) * h + y0) * w + x0];
            }
            y[((b * o + f) * outH + i) * outW + j] = sum;
        }
        (oh, ow) = (outH, outW);
        return y;
    }

    /// <summary>The transpose of Forward without bias: scatters each output gradient back.</summary>
    public static double[] BackwardInput(double[] dy, int n, int c, int h, int w, double[] weight, int o, int kh, int kw,
        int sh, int sw, int ph, int pw)
    {
        var outH = (h + 2 * ph - kh) / sh + 1;
        var outW = (w + 2 * pw - kw) / sw + 1;
        var dx = new double[n * c * h * w];
        for (var b = 0; b < n; b++)
        for (var f = 0; f < o; f++)
        for (var i = 0; i < outH; i++)
        for (var j = 0; j < outW; j++)
        for (var ch = 0; ch < c; ch++)
        for (var u = 0; u < kh; u++)
        for (var v = 0; v < kw; v++)
        {
            var (y0, x0) = (i * sh - ph + u, j * sw - pw + v);
            if (y0 >= 0 && y0 < h && x0 >= 0 && x0 < w)
                dx[((b * c + ch) * h + y0) * w + x0] += weight[((f * c + ch) * kh + u) * kw + v] * dy[((b * o + f) * outH + i) * outW + j];
        }
        return dx;
    }
}
