using System.Runtime.Intrinsics;
using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>Total variation on the cpu device.</summary>
public static partial class TotalVariation
{
    /// <summary>One image per work item, its rows in order, each row summed in vector lanes.</summary>
    private static void CpuValue(Tensor x, Tensor value, float beta, float epsilon)
    {
        var (itemLength, rows, height, width) = (x.ItemLength, x.C * x.H, x.H, x.W);
        CpuParallel.For(x.Device, x.N, (beta == 2f ? 4L : 40L) * itemLength, n =>
        {
            ReadOnlySpan<float> image = x.Span.Slice(n * itemLength, itemLength);
            var sum = 0f;
            for (var r = 0; r < rows; r++)
            {
                var below = (r + 1) % height != 0 ? image.Slice((r + 1) * width, width) : default;
                sum += RowValue(image.Slice(r * width, width), below, beta, epsilon);
            }
            value.Span[n] = sum;
        });
    }

    /// <summary>The terms of one row; <paramref name="below"/> is the next row of the plane, empty on the last.</summary>
    private static float RowValue(ReadOnlySpan<float> row, ReadOnlySpan<float> below, float beta, float epsilon)
    {
        var (w, sum) = (0, 0f);
        if (beta == 2f)
        {
            var (lanes, e) = (Vector256<float>.Zero, Vector256.Create(epsilon));
            for (; w + Vector256<float>.Count < row.Length; w += Vector256<float>.Count)
            {
                var v = Vector256.Create(row[w..]);
                var dh = Vector256.Create(row[(w + 1)..]) - v;
                var dv = below.IsEmpty ? Vector256<float>.Zero : Vector256.Create(below[w..]) - v;
                lanes += dh * dh + dv * dv + e;
            }
            sum = Vector256.Sum(lanes);
        }
        for (; w < row.Length; w++)
        {
            var s = SquaredDifferences(row, below, w, out _, out _);
            sum += beta == 2f ? s + epsilon : MathF.Pow(s + epsilon, 0.5f * beta);
        }
        return sum;
    }

    /// <summary>One plane row per work item (the gather of the ILGPU kernel, row by row).</summary>
    private static void CpuGradient(Tensor x, Tensor dx, float scale, float beta, float epsilon, bool accumulate)
    {
        var (height, width) = (x.H, x.W);
        CpuParallel.For(x.Device, x.Length / width, (beta == 2f ? 12L : 80L) * width, r =>
        {
            ReadOnlySpan<float> xs = x.Span;
            var h = r % height;
            var row = xs.Slice(r * width, width);
            var above = h > 0 ? xs.Slice((r - 1) * width, width) : default;
            var below = h + 1 < height ? xs.Slice((r + 1) * width, width) : default;
            var output = dx.Span.Slice(r * width, width);
            var from = 0;
            if (beta == 2f)
            {
                GradientScalar(above, row, below, output, 0, 1, scale, beta, epsilon, accumulate);
                from = GradientInterior(above, row, below, output, scale, accumulate);
            }
            GradientScalar(above, row, below, output, from, width, scale, beta, epsilon, accumulate);
        });
    }

    /// <summary>
    /// Columns [from, to) of a row's gradient, as the ILGPU kernel computes them; the term at (h, w - 1)
    /// is the one computed for the previous column. <paramref name="above"/> / <paramref name="below"/>
    /// are the neighbouring rows of the plane, empty at its edges.
    /// </summary>
    private static void GradientScalar(ReadOnlySpan<float> above, ReadOnlySpan<float> row, ReadOnlySpan<float> below,
        Span<float> dx, int from, int to, float scale, float beta, float epsilon, bool accumulate)
    {
        var (left, dhLeft) = (0f, 0f);
        if (from > 0) left = Weight(SquaredDifferences(row, below, from - 1, out dhLeft, out _), beta, epsilon);
        for (var w = from; w < to; w++)
        {
            var g = Weight(SquaredDifferences(row, below, w, out var dh, out var dv), beta, epsilon);
            var d = -g * (dh + dv);
            if (w > 0) d += left * dhLeft;
            if (!above.IsEmpty) d += Weight(SquaredDifferences(above, row, w, out _, out var dvAbove), beta, epsilon) * dvAbove;
            (left, dhLeft) = (g, dh);
            dx[w] = accumulate ? dx[w] + scale * d : scale * d;
        }
    }

    /// <summary>
    /// beta = 2 (every weight 2) on the columns from 1 whose right neighbours exist, in vector lanes with
    /// the scalar path's operations; returns the first column it left.
    /// </summary>
    private static int GradientInterior(ReadOnlySpan<float> above, ReadOnlySpan<float> row, ReadOnlySpan<float> below,
        Span<float> dx, float scale, bool accumulate)
    {
        var (g, minusG, s) = (Vector256.Create(2f), Vector256.Create(-2f), Vector256.Create(scale));
        var w = 1;
        for (; w + Vector256<float>.Count < row.Length; w += Vector256<float>.Count)
        {
            var v = Vector256.Create(row[w..]);
            var dv = below.IsEmpty ? Vector256<float>.Zero : Vector256.Create(below[w..]) - v;
            var d = minusG * (Vector256.Create(row[(w + 1)..]) - v + dv) + g * (v - Vector256.Create(row[(w - 1)..]));
            if (!above.IsEmpty) d += g * (v - Vector256.Create(above[w..]));
            d = s * d;
            if (accumulate) d = Vector256.Create(dx[w..]) + d;
            d.CopyTo(dx[w..]);
        }
        return w;
    }

    /// <summary>The differences at column w of a row (0 past the last column, or on the plane's last row) and the sum of their squares.</summary>
    private static float SquaredDifferences(ReadOnlySpan<float> row, ReadOnlySpan<float> below, int w, out float dh, out float dv)
    {
        var v = row[w];
        dh = w + 1 < row.Length ? row[w + 1] - v : 0f;
        dv = below.IsEmpty ? 0f : below[w] - v;
        return dh * dh + dv * dv;
    }
}
