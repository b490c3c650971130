namespace DeepVis.Tests.Reference;

/// <summary>
/// Bilinear sampling through an affine map with a constant outside, written the textbook way (the
/// four neighbours of floor(s) with weights 1 - frac and frac), in double, for tests only.
/// </summary>
public static class AffineSampleReference
{
    public static double[] Forward(double[] x, int[] inShape, int outH, int outW, double[][] maps, double padding)
    {
        var (n, c, h, w) = (inShape[0], inShape[1], inShape[2], inShape[3]);
        var y = new double[n * c * outH * outW];
        for (var p = 0; p < n * c; p++)
        {
            var a = maps[p / c];
            for (var i = 0; i < outH; i++)
                for (var j = 0; j < outW; j++)
                {
                    var (sx, sy) = (a[0] * j + a[1] * i + a[2], a[3] * j + a[4] * i + a[5]);
                    var (x0, y0) = ((int)Math.Floor(sx), (int)Math.Floor(sy));
                    var (fx, fy) = (sx - x0, sy - y0);
                    double Pixel(int px, int py) => px >= 0 && px < w && py >= 0 && py < h ? x[(p * h + py) * w + px] : padding;
                    y[(p * outH + i) * outW + j] = (1 - fy) * ((1 - fx) * Pixel(x0, y0) + fx * Pixel(x0 + 1, y0))
                        + fy * ((1 - fx) * Pixel(x0, y0 + 1) + fx * Pixel(x0 + 1, y0 + 1));
                }
        }
        return y;
    }
}
