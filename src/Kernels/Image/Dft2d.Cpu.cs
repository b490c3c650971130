using System.Collections.Concurrent;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>Dft2d on the cpu device: the same two passes, one plane per work item, twiddles from a table.</summary>
public static partial class Dft2d
{
    private static readonly ConcurrentDictionary<int, (float[] Cos, float[] Sin)> TwiddleTables = new();

    /// <summary>cos and sin of 2 pi j / n for j in [0, n), made once per n (a render's loop allocates nothing).</summary>
    private static (float[] Cos, float[] Sin) Twiddles(int n) => TwiddleTables.GetOrAdd(n, MakeTwiddles);

    private static (float[] Cos, float[] Sin) MakeTwiddles(int n)
    {
        var (cos, sin) = (new float[n], new float[n]);
        for (var j = 0; j < n; j++)
        {
            var t = 2 * Math.PI * j / n;
            (cos[j], sin[j]) = ((float)Math.Cos(t), (float)Math.Sin(t));
        }
        return (cos, sin);
    }

    private static void CpuSynthesize(Tensor spectrum, Tensor image, Tensor scratch, Sizes s, bool weighted)
    {
        var (rows, columns) = (Twiddles(s.Height), Twiddles(s.Width));
        var planeSpectrum = 2 * s.Height * s.Columns;
        var planeImage = s.Height * s.Width;
        CpuParallel.For(image.Device, image.Length / planeImage, (long)planeSpectrum * (s.Height + s.Width), p =>
        {
            var x = spectrum.Span.Slice(p * planeSpectrum, planeSpectrum);
            var y = scratch.Span.Slice(p * planeSpectrum, planeSpectrum);
            for (var h = 0; h < s.Height; h++)
                for (var kx = 0; kx < s.Columns; kx++)
                {
                    float re = 0f, im = 0f;
                    for (var ky = 0; ky < s.Height; ky++)
                    {
                        var j = ky * h % s.Height;
                        var (c, sn) = (rows.Cos[j], rows.Sin[j]);
                        var at = 2 * (ky * s.Columns + kx);
                        re += x[at] * c - x[at + 1] * sn;
                        im += x[at] * sn + x[at + 1] * c;
                    }
                    (y[2 * (h * s.Columns + kx)], y[2 * (h * s.Columns + kx) + 1]) = (re, im);
                }
            var output = image.Span.Slice(p * planeImage, planeImage);
            for (var h = 0; h < s.Height; h++)
                for (var w = 0; w < s.Width; w++)
                {
                    var sum = 0f;
                    for (var kx = 0; kx < s.Columns; kx++)
                    {
                        var j = kx * w % s.Width;
                        var at = 2 * (h * s.Columns + kx);
                        sum += ColumnWeight(kx, s.Width, weighted ? 1 : 0) * (y[at] * columns.Cos[j] - y[at + 1] * columns.Sin[j]);
                    }
                    output[h * s.Width + w] = s.Scale * sum;
                }
        });
    }

    private static void CpuAnalyze(Tensor image, Tensor spectrum, Tensor scratch, Sizes s, bool weighted)
    {
        var (rows, columns) = (Twiddles(s.Height), Twiddles(s.Width));
        var planeSpectrum = 2 * s.Height * s.Columns;
        var planeImage = s.Height * s.Width;
        CpuParallel.For(image.Device, image.Length / planeImage, (long)planeSpectrum * (s.Height + s.Width), p =>
        {
            var x = image.Span.Slice(p * planeImage, planeImage);
            var z = scratch.Span.Slice(p * planeSpectrum, planeSpectrum);
            for (var h = 0; h < s.Height; h++)
                for (var kx = 0; kx < s.Columns; kx++)
                {
                    float re = 0f, im = 0f;
                    for (var w = 0; w < s.Width; w++)
                    {
                        var j = kx * w % s.Width;
                        var v = x[h * s.Width + w];
                        re += v * columns.Cos[j];
                        im -= v * columns.Sin[j];
                    }
                    (z[2 * (h * s.Columns + kx)], z[2 * (h * s.Columns + kx) + 1]) = (re, im);
                }
            var output = spectrum.Span.Slice(p * planeSpectrum, planeSpectrum);
            for (var ky = 0; ky < s.Height; ky++)
                for (var kx = 0; kx < s.Columns; kx++)
                {
                    float re = 0f, im = 0f;
                    for (var h = 0; h < s.Height; h++)
                    {
                        var j = ky * h % s.Height;
                        var (c, sn) = (rows.Cos[j], rows.Sin[j]);
                        var at = 2 * (h * s.Columns + kx);
                        re += z[at] * c + z[at + 1] * sn;
                        im += z[at + 1] * c - z[at] * sn;
                    }
                    var scale = s.Scale * ColumnWeight(kx, s.Width, weighted ? 1 : 0);
                    (output[2 * (ky * s.Columns + kx)], output[2 * (ky * s.Columns + kx) + 1]) = (scale * re, scale * im);
                }
        });
    }
}
