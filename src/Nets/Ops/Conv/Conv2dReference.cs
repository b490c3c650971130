using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision convolution (NCHW, weights [O, C/groups, KH, KW]) with stride, per-side zero
/// padding, dilation and groups, as PyTorch's Conv2d; for tests only.
/// </summary>
public static class Conv2dReference
{
    public static (int OH, int OW) OutputSize(int h, int w, int kh, int kw, Conv2dSettings s) =>
        ((h + s.PadTop + s.PadBottom - s.DilationH * (kh - 1) - 1) / s.StrideH + 1,
         (w + s.PadLeft + s.PadRight - s.DilationW * (kw - 1) - 1) / s.StrideW + 1);

    public static double[] Forward(double[] x, int n, int c, int h, int w, double[] weight, int o, int kh, int kw,
        double[]? bias, Conv2dSettings s)
    {
        var (outH, outW) = OutputSize(h, w, kh, kw, s);
        var (cg, og) = (c / s.Groups, o / s.Groups);
        var y = new double[n * o * outH * outW];
        for (var b = 0; b < n; b++)
        for (var f = 0; f < o; f++)
        for (var i = 0; i < outH; i++)
        for (var j = 0; j < outW; j++)
        {
            var sum = bias?[f] ?? 0;
            for (var cc = 0; cc < cg; cc++)
            for (var u = 0; u < kh; u++)
            for (var v = 0; v < kw; v++)
            {
                var ch = f / og * cg + cc;
                var (y0, x0) = (i * s.StrideH - s.PadTop + u * s.DilationH, j * s.StrideW - s.PadLeft + v * s.DilationW);
                if (y0 >= 0 && y0 < h && x0 >= 0 && x0 < w)
                    sum += weight[((f * cg + cc) * kh + u) * kw + v] * x[((b * c + ch) * h + y0) * w + x0];
            }
            y[((b * o + f) * outH + i) * outW + j] = sum;
        }
        return y;
    }

    /// <summary>The transpose of Forward without bias: scatters each output gradient back.</summary>
    public static double[] BackwardInput(double[] dy, int n, int c, int h, int w, double[] weight, int o, int kh, int kw,
        Conv2dSettings s)
    {
        var (outH, outW) = OutputSize(h, w, kh, kw, s);
        var (cg, og) = (c / s.Groups, o / s.Groups);
        var dx = new double[n * c * h * w];
        for (var b = 0; b < n; b++)
        for (var f = 0; f < o; f++)
        for (var i = 0; i < outH; i++)
        for (var j = 0; j < outW; j++)
        for (var cc = 0; cc < cg; cc++)
        for (var u = 0; u < kh; u++)
        for (var v = 0; v < kw; v++)
        {
            var ch = f / og * cg + cc;
            var (y0, x0) = (i * s.StrideH - s.PadTop + u * s.DilationH, j * s.StrideW - s.PadLeft + v * s.DilationW);
            if (y0 >= 0 && y0 < h && x0 >= 0 && x0 < w)
                dx[((b * c + ch) * h + y0) * w + x0] += weight[((f * cg + cc) * kh + u) * kw + v] * dy[((b * o + f) * outH + i) * outW + j];
        }
        return dx;
    }
}
