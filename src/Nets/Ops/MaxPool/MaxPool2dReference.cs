using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision 2-D max pooling (PyTorch semantics), for tests only.</summary>
public static class MaxPool2dReference
{
    /// <summary>PyTorch's output size, written out with real division and an explicit ceil/floor.</summary>
    public static int OutputSize(int input, int kernel, int stride, int pad, bool ceilMode) =>
        OutputSize(input, kernel, stride, pad, pad, ceilMode);

    /// <summary>
    /// PyTorch's output size with padding <paramref name="padBegin"/> before the input and
    /// <paramref name="padEnd"/> after it (ONNX's pads).
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride, int padBegin, int padEnd, bool ceilMode)
    {
        var steps = (input + (double)padBegin + padEnd - kernel) / stride;
        var size = (int)(ceilMode ? Math.Ceiling(steps) : Math.Floor(steps)) + 1;
        // The last window must start inside the input or its leading padding.
        if (ceilMode && (size - 1) * stride >= input + padBegin) size--;
        return size;
    }

    /// <summary>The output size; a dilated window spans (k - 1) * d + 1 positions.</summary>
    public static (int OutH, int OutW) OutputSize(int h, int w, Pool2dSettings s) =>
        (OutputSize(h, (s.KernelH - 1) * s.DilationH + 1, s.StrideH, s.PadTop, s.PadBottom, s.CeilMode),
         OutputSize(w, (s.KernelW - 1) * s.DilationW + 1, s.StrideW, s.PadLeft, s.PadRight, s.CeilMode));

    public static double[] Forward(double[] x, int[] shape, Pool2dSettings s)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var (oh, ow) = OutputSize(h, w, s);
        var y = new double[n * c * oh * ow];
        for (var p = 0; p < n * c; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                {
                    var (r, q) = ArgMax(x, p, h, w, i, j, s);
                    y[(p * oh + i) * ow + j] = r < 0 ? double.NegativeInfinity : x[(p * h + r) * w + q];
                }
        return y;
    }

    /// <summary>Scatters each dy to its window's first maximum (nowhere for a window without an input tap).</summary>
    public static double[] Backward(double[] x, int[] shape, double[] dy, Pool2dSettings s)
    {
        var (n, c, h, w) = (shape[0], shape[1], shape[2], shape[3]);
        var (oh, ow) = OutputSize(h, w, s);
        var dx = new double[x.Length];
        for (var p = 0; p < n * c; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                {
                    var (r, q) = ArgMax(x, p, h, w, i, j, s);
                    if (r >= 0) dx[(p * h + r) * w + q] += dy[(p * oh + i) * ow + j];
                }
        return dx;
    }

    /// <summary>
    /// Walks every tap of the padded window in row-major order; padding is -inf; strictly greater wins.
    /// (-1, -1) when no tap is inside the input.
    /// </summary>
    private static (int Row, int Col) ArgMax(double[] x, int plane, int h, int w, int i, int j, Pool2dSettings s)
    {
        var best = double.NegativeInfinity;
        (int, int) at = (-1, -1);
        for (var a = 0; a < s.KernelH; a++)
            for (var b = 0; b < s.KernelW; b++)
            {
                var (r, q) = (i * s.StrideH - s.PadTop + a * s.DilationH, j * s.StrideW - s.PadLeft + b * s.DilationW);
                var inside = r >= 0 && r < h && q >= 0 && q < w;
                if (inside && at.Item1 < 0) at = (r, q);
                var value = inside ? x[(plane * h + r) * w + q] : double.NegativeInfinity;
                if (value > best)
                {
                    best = value;
                    at = (r, q);
                }
            }
        return at;
    }
}
