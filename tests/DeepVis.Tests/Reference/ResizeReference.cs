namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision bilinear resize with the formula of PyTorch's
/// F.interpolate(mode='bilinear', align_corners=False, antialias=False), for tests only.
/// The backward scatters every output gradient to the four inputs it read.
/// </summary>
public static class ResizeReference
{
    /// <summary>The two input indices output <paramref name="dst"/> reads along one axis, with their weights.</summary>
    public static (int I0, int I1, double W0, double W1) Source(int dst, int inSize, int outSize)
    {
        var scale = (double)inSize / outSize;
        var src = Math.Max((dst + 0.5) * scale - 0.5, 0);
        var i0 = Math.Min((int)Math.Floor(src), inSize - 1);
        var i1 = Math.Min(i0 + 1, inSize - 1);
        var lambda = Math.Min(src - i0, 1);
        return (i0, i1, 1 - lambda, lambda);
    }

    public static double[] Forward(double[] x, int[] inShape, int outH, int outW)
    {
        var (planes, inH, inW) = (inShape[0] * inShape[1], inShape[2], inShape[3]);
        var y = new double[planes * outH * outW];
        for (var p = 0; p < planes; p++)
            for (var oy = 0; oy < outH; oy++)
            {
                var (y0, y1, wy0, wy1) = Source(oy, inH, outH);
                for (var ox = 0; ox < outW; ox++)
                {
                    var (x0, x1, wx0, wx1) = Source(ox, inW, outW);
                    double At(int iy, int ix) => x[(p * inH + iy) * inW + ix];
                    y[(p * outH + oy) * outW + ox] =
                        wy0 * (wx0 * At(y0, x0) + wx1 * At(y0, x1)) + wy1 * (wx0 * At(y1, x0) + wx1 * At(y1, x1));
                }
            }
        return y;
    }

    public static double[] Backward(double[] dy, int[] inShape, int outH, int outW)
    {
        var (planes, inH, inW) = (inShape[0] * inShape[1], inShape[2], inShape[3]);
        var dx = new double[planes * inH * inW];
        for (var p = 0; p < planes; p++)
            for (var oy = 0; oy < outH; oy++)
            {
                var (y0, y1, wy0, wy1) = Source(oy, inH, outH);
                for (var ox = 0; ox < outW; ox++)
                {
                    var (x0, x1, wx0, wx1) = Source(ox, inW, outW);
                    var g = dy[(p * outH + oy) * outW + ox];
                    dx[(p * inH + y0) * inW + x0] += wy0 * wx0 * g;
                    dx[(p * inH + y0) * inW + x1] += wy0 * wx1 * g;
                    dx[(p * inH + y1) * inW + x0] += wy1 * wx0 * g;
                    dx[(p * inH + y1) * inW + x1] += wy1 * wx1 * g;
                }
            }
        return dx;
    }
}
