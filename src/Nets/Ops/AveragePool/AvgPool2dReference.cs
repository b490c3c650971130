using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision 2-D average pooling (PyTorch semantics, divisor included), for tests only.</summary>
public static class AvgPool2dReference
{
    public static double[] Forward(double[] x, int[] shape, Pool2dSettings s, bool countIncludePad)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var (oh, ow) = MaxPool2dReference.OutputSize(h, w, s);
        var y = new double[n * c * oh * ow];
        for (var p = 0; p < n * c; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                {
                    var cells = Cells(h, w, i, j, s, out var divisor);
                    var sum = cells.Sum(rq => x[(p * h + rq.Row) * w + rq.Col]);
                    y[(p * oh + i) * ow + j] = sum / (countIncludePad ? divisor : cells.Count);
                }
        return y;
    }

    /// <summary>Scatters dy / divisor to every input of the window.</summary>
    public static double[] Backward(double[] dy, int[] shape, Pool2dSettings s, bool countIncludePad)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var (oh, ow) = MaxPool2dReference.OutputSize(h, w, s);
        var dx = new double[n * c * h * w];
        for (var p = 0; p < n * c; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                {
                    var cells = Cells(h, w, i, j, s, out var divisor);
                    var share = dy[(p * oh + i) * ow + j] / (countIncludePad ? divisor : cells.Count);
                    foreach (var (r, q) in cells) dx[(p * h + r) * w + q] += share;
                }
        return dx;
    }

    /// <summary>
    /// The window's cells inside the input, and PyTorch's count_include_pad divisor: the window's
    /// positions that fall inside the input grown by the padding on every side (as
    /// PyTorch 1.13's avg_pool2d: the window cut at the input plus trailing padding, which only ceil mode reaches).
    /// </summary>
    private static List<(int Row, int Col)> Cells(int h, int w, int i, int j, Pool2dSettings s, out int divisor)
    {
        var cells = new List<(int, int)>();
        divisor = 0;
        for (var a = 0; a < s.KernelH; a++)
            for (var b = 0; b < s.KernelW; b++)
            {
                var (r, q) = (i * s.StrideH - s.PadTop + a, j * s.StrideW - s.PadLeft + b);
                if (r < h + s.PadBottom && q < w + s.PadRight) divisor++;
                if (r >= 0 && r < h && q >= 0 && q < w) cells.Add((r, q));
            }
        return cells;
    }
}
