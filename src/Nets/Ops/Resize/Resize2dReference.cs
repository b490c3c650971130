using DeepVis.Ops;

namespace DeepVis.Tests.Reference;

/// <summary>
/// Plain double-precision resizing of H and W as ONNX Resize defines it (each axis's sampled coordinate,
/// rounded for nearest, clamped to the input and mixed for linear), for tests only.
/// </summary>
public static class Resize2dReference
{
    public static (int OutH, int OutW) OutputSize(int h, int w, Resize2dSettings s) =>
        s.OutH > 0 ? (s.OutH, s.OutW) : ((int)Math.Floor(h * s.ScaleH), (int)Math.Floor(w * s.ScaleW));

    /// <summary>
    /// Every (input index, weight) output <paramref name="o"/> reads along one axis; align_corners and
    /// pytorch_half_pixel read ONNX's length_resized, the output side before flooring (size * scale).
    /// </summary>
    public static List<(int Index, double Weight)> Taps(int o, int size, int outSize, double givenScale, Resize2dSettings s)
    {
        var scale = givenScale > 0 ? givenScale : (double)outSize / size;
        var length = givenScale > 0 ? size * givenScale : outSize;
        var x = s.Coordinates switch
        {
            ResizeCoordinates.AlignCorners => length == 1 ? 0 : o * (size - 1.0) / (length - 1),
            ResizeCoordinates.Asymmetric => o / scale,
            ResizeCoordinates.PytorchHalfPixel => length > 1 ? (o + 0.5) / scale - 0.5 : 0,
            _ => (o + 0.5) / scale - 0.5,
        };
        if (s.Mode == ResizeMode.Nearest)
        {
            var n = s.Rounding switch
            {
                NearestRounding.Floor => Math.Floor(x),
                NearestRounding.Ceil => Math.Ceiling(x),
                NearestRounding.RoundPreferCeil => Math.Round(x, MidpointRounding.AwayFromZero) is var r && x - Math.Floor(x) == 0.5 ? Math.Ceiling(x) : r,
                _ => x - Math.Floor(x) == 0.5 ? Math.Floor(x) : Math.Round(x),
            };
            return [((int)Math.Clamp(n, 0, size - 1), 1.0)];
        }
        var c = Math.Clamp(x, 0, size - 1);
        var i0 = (int)Math.Floor(c);
        return [(i0, 1 - (c - i0)), (Math.Min(i0 + 1, size - 1), c - i0)];
    }

    public static double[] Forward(double[] x, int[] shape, Resize2dSettings s)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var (oh, ow) = OutputSize(h, w, s);
        var y = new double[planes * oh * ow];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                    foreach (var (r, a) in Taps(i, h, oh, s.ScaleH, s))
                        foreach (var (q, b) in Taps(j, w, ow, s.ScaleW, s))
                            y[(p * oh + i) * ow + j] += a * b * x[(p * h + r) * w + q];
        return y;
    }

    /// <summary>The transpose of <see cref="Forward"/>: each dy spread over the inputs its output read, with their weights.</summary>
    public static double[] Backward(double[] dy, int[] shape, Resize2dSettings s)
    {
        var (planes, h, w) = (shape[0] * shape[1], shape[2], shape[3]);
        var (oh, ow) = OutputSize(h, w, s);
        var dx = new double[planes * h * w];
        for (var p = 0; p < planes; p++)
            for (var i = 0; i < oh; i++)
                for (var j = 0; j < ow; j++)
                    foreach (var (r, a) in Taps(i, h, oh, s.ScaleH, s))
                        foreach (var (q, b) in Taps(j, w, ow, s.ScaleW, s))
                            dx[(p * h + r) * w + q] += a * b * dy[(p * oh + i) * ow + j];
        return dx;
    }
}
