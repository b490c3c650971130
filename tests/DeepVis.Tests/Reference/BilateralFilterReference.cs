namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision bilateral filter over NCHW images, per channel, reflect padding as PyTorch's
/// 'reflect' (via <see cref="GaussianBlurReference.Reflect"/>), for tests only.
/// </summary>
public static class BilateralFilterReference
{
    public static double[] Forward(double[] x, int[] shape, int radius, double sigmaSpace, double sigmaRange)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var y = new double[x.Length];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                {
                    var centre = x[(p * h + i) * w + j];
                    double sum = 0, norm = 0;
                    for (var a = -radius; a <= radius; a++)
                        for (var b = -radius; b <= radius; b++)
                        {
                            var v = x[(p * h + GaussianBlurReference.Reflect(i + a, h)) * w + GaussianBlurReference.Reflect(j + b, w)];
                            var weight = Math.Exp(-(a * a + b * b) / (2 * sigmaSpace * sigmaSpace))
                                * Math.Exp(-(v - centre) * (v - centre) / (2 * sigmaRange * sigmaRange));
                            sum += weight * v;
                            norm += weight;
                        }
                    y[(p * h + i) * w + j] = sum / norm;
                }
        return y;
    }
}
