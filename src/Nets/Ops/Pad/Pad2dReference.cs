using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>Plain double-precision padding of H and W, as numpy.pad's constant, reflect and edge modes define it, for tests only.</summary>
public static class Pad2dReference
{
    public static double[] Forward(double[] x, int[] shape, Pad2dSettings s)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var (oh, ow) = (h + s.Top + s.Bottom, w + s.Left + s.Right);
        var y = new double[planes * oh * ow];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                {
                    var (r, q) = (Source(i - s.Top, h, s.Mode), Source(j - s.Left, w, s.Mode));
                    y[(p * oh + i) * ow + j] = r is { } row && q is { } col ? x[(p * h + row) * w + col] : s.Value;
                }
        return y;
    }

    /// <summary>The transpose of <see cref="Forward"/>'s copying: each dy added to the input it came from.</summary>
    public static double[] Backward(double[] dy, int[] shape, Pad2dSettings s)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var (oh, ow) = (h + s.Top + s.Bottom, w + s.Left + s.Right);
        var dx = new double[planes * h * w];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                    if (Source(i - s.Top, h, s.Mode) is { } row && Source(j - s.Left, w, s.Mode) is { } col)
                        dx[(p * h + row) * w + col] += dy[(p * oh + i) * ow + j];
        return dx;
    }

    /// <summary>numpy's index rule: reflect mirrors about the end element (not repeated), edge clamps, constant has none outside.</summary>
    private static int? Source(int i, int size, PadMode mode) => i >= 0 && i < size ? i : mode switch
    {
        PadMode.Edge => Math.Clamp(i, 0, size - 1),
        PadMode.Reflect => i < 0 ? -i : 2 * (size - 1) - i,
        _ => null,
    };
}
