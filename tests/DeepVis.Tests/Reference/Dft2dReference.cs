namespace DeepVis.Tests.Reference;

/// <summary>The orthonormal real 2-D DFT and its inverse as direct double sums over the whole plane, for tests only.</summary>
public static class Dft2dReference
{
    /// <summary>X[ky, kx] = sum x[h, w] e^(-i t) / sqrt(HW), t = 2 pi (ky h / H + kx w / W), kx in [0, W/2].</summary>
    public static double[] Forward(double[] x, int[] shape)
    {
        var (planes, h, w, k) = (shape[0] * shape[1], shape[2], shape[3], shape[3] / 2 + 1);
        var s = 1 / Math.Sqrt(h * w);
        var spectrum = new double[planes * h * k * 2];
        for (var p = 0; p < planes; p++)
            for (var ky = 0; ky < h; ky++)
                for (var kx = 0; kx < k; kx++)
                {
                    double re = 0, im = 0;
                    for (var i = 0; i < h; i++)
                        for (var j = 0; j < w; j++)
                        {
                            var t = 2 * Math.PI * ((double)ky * i / h + (double)kx * j / w);
                            re += x[(p * h + i) * w + j] * Math.Cos(t);
                            im -= x[(p * h + i) * w + j] * Math.Sin(t);
                        }
                    var at = 2 * ((p * h + ky) * k + kx);
                    (spectrum[at], spectrum[at + 1]) = (s * re, s * im);
                }
        return spectrum;
    }

    /// <summary>numpy's irfft2 (norm "ortho") onto H x W: the stored half counts twice except columns 0 and W/2.</summary>
    public static double[] Inverse(double[] spectrum, int[] shape)
    {
        var (planes, h, w, k) = (shape[0] * shape[1], shape[2], shape[3], shape[3] / 2 + 1);
        var s = 1 / Math.Sqrt(h * w);
        var x = new double[planes * h * w];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                {
                    double sum = 0;
                    for (var ky = 0; ky < h; ky++)
                        for (var kx = 0; kx < k; kx++)
                        {
                            var weight = kx == 0 || 2 * kx == w ? 1 : 2;
                            var t = 2 * Math.PI * ((double)ky * i / h + (double)kx * j / w);
                            var at = 2 * ((p * h + ky) * k + kx);
                            sum += weight * (spectrum[at] * Math.Cos(t) - spectrum[at + 1] * Math.Sin(t));
                        }
                    x[(p * h + i) * w + j] = s * sum;
                }
        return x;
    }
}
