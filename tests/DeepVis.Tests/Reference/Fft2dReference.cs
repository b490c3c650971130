namespace DeepVis.Tests.Reference;

/// <summary>
/// The orthonormal real 2-D DFT and its inverse as direct double sums, for tests only: the plane's
/// double sum taken separably (a DFT along every row, then along every column), angles reduced
/// exactly as 2 pi (k n mod N) / N, so large sizes stay affordable and precise.
/// </summary>
public static class Fft2dReference
{
    /// <summary>X[ky, kx] = sum x[h, w] e^(-i t) / sqrt(HW), t = 2 pi (ky h / H + kx w / W), kx in [0, W/2].</summary>
    public static double[] Forward(double[] x, int[] shape)
    {
        var (planes, h, w, k) = (shape[0] * shape[1], shape[2], shape[3], shape[3] / 2 + 1);
        var s = 1 / Math.Sqrt(h * w);
        var spectrum = new double[planes * h * k * 2];
        var (rowsRe, rowsIm) = (new double[h * k], new double[h * k]);
        for (var p = 0; p < planes; p++)
        {
            for (var i = 0; i < h; i++)
                for (var kx = 0; kx < k; kx++)
                {
                    double re = 0, im = 0;
                    for (var j = 0; j < w; j++)
                    {
                        var t = Angle(kx, j, w);
                        re += x[(p * h + i) * w + j] * Math.Cos(t);
                        im -= x[(p * h + i) * w + j] * Math.Sin(t);
                    }
                    (rowsRe[i * k + kx], rowsIm[i * k + kx]) = (re, im);
                }
            for (var ky = 0; ky < h; ky++)
                for (var kx = 0; kx < k; kx++)
                {
                    double re = 0, im = 0;
                    for (var i = 0; i < h; i++)
                    {
                        var t = Angle(ky, i, h);
                        var (c, sn) = (Math.Cos(t), Math.Sin(t));
                        re += rowsRe[i * k + kx] * c + rowsIm[i * k + kx] * sn;
                        im += rowsIm[i * k + kx] * c - rowsRe[i * k + kx] * sn;
                    }
                    var at = 2 * ((p * h + ky) * k + kx);
                    (spectrum[at], spectrum[at + 1]) = (s * re, s * im);
                }
        }
        return spectrum;
    }

    /// <summary>numpy's irfft2 (norm "ortho") onto H x W: the stored half counts twice except columns 0 and W/2.</summary>
    public static double[] Inverse(double[] spectrum, int[] shape)
    {
        var (planes, h, w, k) = (shape[0] * shape[1], shape[2], shape[3], shape[3] / 2 + 1);
        var s = 1 / Math.Sqrt(h * w);
        var x = new double[planes * h * w];
        var (columnsRe, columnsIm) = (new double[h * k], new double[h * k]);
        for (var p = 0; p < planes; p++)
        {
            for (var i = 0; i < h; i++)
                for (var kx = 0; kx < k; kx++)
                {
                    double re = 0, im = 0;
                    for (var ky = 0; ky < h; ky++)
                    {
                        var t = Angle(ky, i, h);
                        var (c, sn) = (Math.Cos(t), Math.Sin(t));
                        var at = 2 * ((p * h + ky) * k + kx);
                        re += spectrum[at] * c - spectrum[at + 1] * sn;
                        im += spectrum[at] * sn + spectrum[at + 1] * c;
                    }
                    (columnsRe[i * k + kx], columnsIm[i * k + kx]) = (re, im);
                }
            for (var i = 0; i < h; i++)
                for (var j = 0; j < w; j++)
                {
                    double sum = 0;
                    for (var kx = 0; kx < k; kx++)
                    {
                        var weight = kx == 0 || 2 * kx == w ? 1 : 2;
                        var t = Angle(kx, j, w);
                        sum += weight * (columnsRe[i * k + kx] * Math.Cos(t) - columnsIm[i * k + kx] * Math.Sin(t));
                    }
                    x[(p * h + i) * w + j] = s * sum;
                }
        }
        return x;
    }

    /// <summary>The forward complex DFT of one sequence, X[k] = sum_j x[j] e^(-2 pi i j k / n).</summary>
    public static (double[] Re, double[] Im) Complex(double[] re, double[] im)
    {
        var n = re.Length;
        var (outRe, outIm) = (new double[n], new double[n]);
        for (var k = 0; k < n; k++)
            for (var j = 0; j < n; j++)
            {
                var t = Angle(k, j, n);
                var (c, s) = (Math.Cos(t), Math.Sin(t));
                outRe[k] += re[j] * c + im[j] * s;
                outIm[k] += im[j] * c - re[j] * s;
            }
        return (outRe, outIm);
    }

    private static double Angle(int k, int n, int count) => 2 * Math.PI * ((long)k * n % count) / count;
}
