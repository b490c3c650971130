using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>TV denoising on the cpu device.</summary>
public static partial class TvDenoise
{
    /// <summary>
    /// The Jacobi sweep of the ILGPU kernel, one plane row per work item: every pixel reads <paramref name="u"/>,
    /// the previous sweep. A missing neighbour adds 0 where the ILGPU kernel skips it: the same bits, as the
    /// sums start at +0 and so never are -0.
    /// </summary>
    private static void CpuJacobi(Tensor f, Tensor u, Tensor split, Tensor next, Problem p)
    {
        var width = p.Width;
        CpuParallel.For(f.Device, f.Length / width, 16L * width, row =>
        {
            var h = row % p.Height;
            var (up, down) = (h > 0, h < p.Height - 1);
            ReadOnlySpan<float> us = u.Span, ss = split.Span;
            var uRow = us.Slice(row * width, width);
            var sRow = ss.Slice(4 * row * width, 4 * width);
            var uAbove = up ? us.Slice((row - 1) * width, width) : default;
            var uBelow = down ? us.Slice((row + 1) * width, width) : default;
            var sAbove = up ? ss.Slice(4 * (row - 1) * width, 4 * width) : default;
            var fRow = f.Span.Slice(row * width, width);
            var output = next.Span.Slice(row * width, width);
            var vertical = (up ? 1 : 0) + (down ? 1 : 0);
            for (var w = 0; w < width; w++)
            {
                var (left, right) = (w > 0, w < width - 1);
                var sum = 0f + (left ? uRow[w - 1] : 0f) + (right ? uRow[w + 1] : 0f) + (up ? uAbove[w] : 0f) + (down ? uBelow[w] : 0f);
                var divergence = 0f + (left ? DMinusB(sRow, w - 1, 0) : 0f) - (right ? DMinusB(sRow, w, 0) : 0f)
                    + (up ? DMinusB(sAbove, w, 1) : 0f) - (down ? DMinusB(sRow, w, 1) : 0f);
                var count = vertical + (left ? 1 : 0) + (right ? 1 : 0);
                output[w] = (fRow[w] + p.Ratio * (sum + divergence)) / (1f + p.Ratio * count);
            }
        });
    }

    /// <summary>The shrink of the ILGPU kernel, one plane row per work item (each pixel owns its four split values).</summary>
    private static void CpuShrink(Tensor u, Tensor split, Problem p)
    {
        var width = p.Width;
        CpuParallel.For(u.Device, u.Length / width, 16L * width, row =>
        {
            ReadOnlySpan<float> us = u.Span;
            var uRow = us.Slice(row * width, width);
            var uBelow = row % p.Height < p.Height - 1 ? us.Slice((row + 1) * width, width) : default;
            var sRow = split.Span.Slice(4 * row * width, 4 * width);
            for (var w = 0; w < width; w++)
            {
                var v = uRow[w];
                var sx = (w < width - 1 ? uRow[w + 1] - v : 0f) + sRow[4 * w + 2];
                var sy = (uBelow.IsEmpty ? 0f : uBelow[w] - v) + sRow[4 * w + 3];
                (sRow[4 * w], sRow[4 * w + 1], sRow[4 * w + 2], sRow[4 * w + 3]) = ShrinkPixel(sx, sy, p.Threshold);
            }
        });
    }

    /// <summary><see cref="DMinusB(ILGPU.ArrayView{float}, int, int)"/> over host memory.</summary>
    private static float DMinusB(ReadOnlySpan<float> split, int pixel, int axis) => split[4 * pixel + axis] - split[4 * pixel + 2 + axis];
}
