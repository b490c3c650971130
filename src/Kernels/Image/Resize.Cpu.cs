using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>Bilinear resize on the cpu device.</summary>
public static partial class Resize
{
    /// <summary>Rows per work item: the column taps are computed once per block of rows.</summary>
    private const int RowBlock = 16;

    /// <summary>Output columns whose taps are held at once (on the stack, 3 KiB).</summary>
    private const int ColumnBlock = 256;

    /// <summary>
    /// Each work item writes a block of output rows (all planes' rows in one sequence), a block of
    /// columns at a time with the column taps computed once per block.
    /// </summary>
    private static void CpuForward(Tensor x, Tensor y, Sizes s)
    {
        var rows = y.Length / s.OutW;
        CpuParallel.For(x.Device, (rows + RowBlock - 1) / RowBlock, 10L * RowBlock * s.OutW, item =>
        {
            Span<Tap> taps = stackalloc Tap[ColumnBlock];
            ReadOnlySpan<float> xs = x.Span;
            var ys = y.Span;
            var (firstRow, endRow) = (item * RowBlock, Math.Min(rows, (item + 1) * RowBlock));
            for (var c0 = 0; c0 < s.OutW; c0 += ColumnBlock)
            {
                var columns = ColumnTaps(taps, c0, s);
                for (var row = firstRow; row < endRow; row++)
                {
                    var plane = row / s.OutH;
                    var ty = Source(row - plane * s.OutH, s.ScaleH, s.InH);
                    var row0 = xs.Slice((plane * s.InH + ty.First) * s.InW, s.InW);
                    var row1 = xs.Slice((plane * s.InH + ty.Second) * s.InW, s.InW);
                    var output = ys.Slice(row * s.OutW + c0, columns.Length);
                    for (var j = 0; j < output.Length; j++)
                    {
                        var tx = columns[j];
                        var top = (1f - tx.Lambda) * row0[tx.First] + tx.Lambda * row0[tx.Second];
                        var bottom = (1f - tx.Lambda) * row1[tx.First] + tx.Lambda * row1[tx.Second];
                        output[j] = (1f - ty.Lambda) * top + ty.Lambda * bottom;
                    }
                }
            }
        });
    }

    /// <summary>
    /// The exact adjoint of <see cref="CpuForward"/>: each work item owns a block of input rows; for
    /// each, it visits the output rows that read it (as the ILGPU gather does) and scatters their
    /// gradients, weighted, along the row it owns, in a fixed order.
    /// </summary>
    private static void CpuBackward(Tensor dy, Tensor dx, Sizes s)
    {
        var rows = dx.Length / s.InW;
        var readersPerRow = s.OutH / s.InH + 3;
        CpuParallel.For(dy.Device, (rows + RowBlock - 1) / RowBlock, 4L * RowBlock * readersPerRow * s.OutW, item =>
        {
            Span<Tap> taps = stackalloc Tap[ColumnBlock];
            ReadOnlySpan<float> dys = dy.Span;
            var dxs = dx.Span;
            var (firstRow, endRow) = (item * RowBlock, Math.Min(rows, (item + 1) * RowBlock));
            dxs[(firstRow * s.InW)..(endRow * s.InW)].Clear();
            for (var c0 = 0; c0 < s.OutW; c0 += ColumnBlock)
            {
                var columns = ColumnTaps(taps, c0, s);
                for (var row = firstRow; row < endRow; row++)
                {
                    var plane = row / s.InH;
                    var iy = row - plane * s.InH;
                    var input = dxs.Slice(row * s.InW, s.InW);
                    var lastY = LastReader(iy, s.ScaleH, s.OutH);
                    for (var oy = FirstReader(iy, s.ScaleH); oy <= lastY; oy++)
                    {
                        var wy = Source(oy, s.ScaleH, s.InH).WeightOf(iy);
                        if (wy == 0f) continue;
                        var gradient = dys.Slice((plane * s.OutH + oy) * s.OutW + c0, columns.Length);
                        for (var j = 0; j < gradient.Length; j++)
                        {
                            var (tx, g) = (columns[j], wy * gradient[j]);
                            input[tx.First] += (1f - tx.Lambda) * g;
                            input[tx.Second] += tx.Lambda * g;
                        }
                    }
                }
            }
        });
    }

    /// <summary>The taps of output columns c0 onwards (at most a block of them), written to the start of <paramref name="taps"/>.</summary>
    private static ReadOnlySpan<Tap> ColumnTaps(Span<Tap> taps, int c0, Sizes s)
    {
        var columns = taps[..Math.Min(taps.Length, s.OutW - c0)];
        for (var j = 0; j < columns.Length; j++) columns[j] = Source(c0 + j, s.ScaleW, s.InW);
        return columns;
    }
}
