using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>How <see cref="Resize2d"/> reads the input: the nearest element or a bilinear mix.</summary>
public enum ResizeMode
{
    /// <summary>The element at the rounded coordinate.</summary>
    Nearest = 0,

    /// <summary>The two elements around the coordinate on each axis, weighted by distance.</summary>
    Linear = 1,
}

/// <summary>ONNX's coordinate_transformation_mode: where output position o samples the input.</summary>
public enum ResizeCoordinates
{
    /// <summary>(o + 0.5) / scale - 0.5 (PyTorch's align_corners=False).</summary>
    HalfPixel = 0,

    /// <summary>o * (in - 1) / (out - 1): the corners of input and output coincide.</summary>
    AlignCorners = 1,

    /// <summary>o / scale (ONNX Upsample, Resize-10, PyTorch's nearest).</summary>
    Asymmetric = 2,

    /// <summary>As <see cref="HalfPixel"/>, but 0 where the output has one position.</summary>
    PytorchHalfPixel = 3,
}

/// <summary>ONNX's nearest_mode: how a nearest resize rounds the sampled coordinate.</summary>
public enum NearestRounding
{
    /// <summary>To the nearest integer, halves down.</summary>
    RoundPreferFloor = 0,

    /// <summary>To the nearest integer, halves up.</summary>
    RoundPreferCeil = 1,

    /// <summary>Down.</summary>
    Floor = 2,

    /// <summary>Up.</summary>
    Ceil = 3,
}

/// <summary>
/// A resize of H and W: by <see cref="ScaleH"/> x <see cref="ScaleW"/> (the output side is floor(in * scale)),
/// or to <see cref="OutH"/> x <see cref="OutW"/> where those are set (the scale is then out / in).
/// </summary>
public readonly record struct Resize2dSettings(
    ResizeMode Mode, ResizeCoordinates Coordinates, NearestRounding Rounding, double ScaleH, double ScaleW, int OutH = 0, int OutW = 0)
{
    /// <summary>"linear, half_pixel, x2x2" or "nearest (floor), asymmetric, to 7x9".</summary>
    public string Text => $"{Mode.ToString().ToLowerInvariant()}{(Mode == ResizeMode.Nearest ? $" ({Rounding})" : "")}, {Coordinates}, " +
        (OutH > 0 ? $"to {OutH}x{OutW}" : $"x{ScaleH}x{ScaleW}");

    /// <summary>[N, C, out H, out W]; throws when a side would be empty or the scale is not positive and finite.</summary>
    public int[] OutputShape(IReadOnlyList<int> input)
    {
        if (input.Count != 4) throw new ShapeException($"resize input: expected a rank-4 tensor, got shape {Tensor.Format(input)}");
        if (OutH <= 0 && !(ScaleH > 0 && ScaleW > 0 && double.IsFinite(ScaleH) && double.IsFinite(ScaleW) && ScaleH <= Ranges.MaxExtent && ScaleW <= Ranges.MaxExtent))
            throw new ArgumentException($"resize: scales must be positive and at most {Ranges.MaxExtent}, got {ScaleH}x{ScaleW}");
        var (h, w) = OutH > 0 ? (OutH, OutW) : ((int)Math.Floor(input[2] * ScaleH), (int)Math.Floor(input[3] * ScaleW));
        if (h < 1 || w < 1)
            throw new ShapeException($"resize input: shape {Tensor.Format(input)} is too small for {Text}: the output would be {h}x{w}");
        return [input[0], input[1], h, w];
    }
}

/// <summary>
/// Nearest and bilinear resizing of H and W as ONNX Resize defines it (and Upsample), each axis mapped
/// on its own. Forward, one thread per output; backward-to-input gathers, one thread per input element,
/// over the outputs whose taps include it (a contiguous run per axis, found by bisection).
/// </summary>
public static partial class Resize2d
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ResizeGeometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ResizeGeometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ResizeGeometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ResizeGeometry>(BackwardKernel);
    }

    /// <summary>y = x resized as <paramref name="settings"/> says.</summary>
    public static void Forward(Tensor x, Tensor y, Resize2dSettings settings)
    {
        var shape = settings.OutputShape(x.Shape);
        y.RequireShape("resize output", shape);
        var g = ResizeGeometry.Of(x.Shape, shape, settings);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, g);
        else CpuForward(x, y, g);
    }

    /// <summary>dx[i] = the sum over outputs of dy times the weight the output gave x[i].</summary>
    public static void Backward(Tensor dy, Tensor dx, Resize2dSettings settings)
    {
        var shape = settings.OutputShape(dx.Shape);
        dy.RequireShape("resize output gradient", shape);
        var g = ResizeGeometry.Of(dx.Shape, shape, settings);
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, dx.View, g);
        else CpuBackward(dy, dx, g);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ResizeGeometry g)
    {
        int index = i;
        var ow = index % g.OutW;
        var oh = index / g.OutW % g.OutH;
        var plane = index / (g.OutW * g.OutH) * g.H * g.W;
        var r = g.Row(oh);
        var c = g.Column(ow);
        var top = (1 - c.F) * x[plane + r.I0 * g.W + c.I0] + c.F * x[plane + r.I0 * g.W + c.I1];
        var bottom = (1 - c.F) * x[plane + r.I1 * g.W + c.I0] + c.F * x[plane + r.I1 * g.W + c.I1];
        y[index] = (1 - r.F) * top + r.F * bottom;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, ResizeGeometry g)
    {
        int index = i;
        var w = index % g.W;
        var h = index / g.W % g.H;
        var plane = index / (g.W * g.H) * g.OutH * g.OutW;
        var ohLast = g.LastRow(h);
        var owFirst = g.FirstColumn(w);
        var owLast = g.LastColumn(w);
        var sum = 0f;
        for (var oh = g.FirstRow(h); oh <= ohLast; oh++)
        {
            var rowWeight = g.Row(oh).Weight(h);
            var row = 0f;
            for (var ow = owFirst; ow <= owLast; ow++) row += g.Column(ow).Weight(w) * dy[plane + oh * g.OutW + ow];
            sum += rowWeight * row;
        }
        dx[index] = sum;
    }
}

/// <summary>The two input positions an output position reads along one axis and the second one's weight (nearest: one position, weight 0).</summary>
internal struct ResizeTaps
{
    public int I0, I1;
    public float F;

    /// <summary>The weight this output gives input position <paramref name="i"/>.</summary>
    public readonly float Weight(int i) => (I0 == i ? 1 - F : 0) + (I1 == i ? F : 0);
}

/// <summary>One resize launch's geometry, passed to the kernels by value; coordinates in double so that rounding matches ONNX's.</summary>
internal struct ResizeGeometry
{
    public int H, W, OutH, OutW, Mode, Coordinates, Rounding;
    public double ScaleH, ScaleW;

    /// <summary>
    /// ONNX's length_resized: the output side before it is floored (input side times the scale), or the
    /// given size; align_corners and pytorch_half_pixel read it.
    /// </summary>
    public double LengthH, LengthW;

    public static ResizeGeometry Of(IReadOnlyList<int> input, IReadOnlyList<int> output, Resize2dSettings s) => new()
    {
        H = input[2], W = input[3], OutH = output[2], OutW = output[3], Mode = (int)s.Mode, Coordinates = (int)s.Coordinates, Rounding = (int)s.Rounding,
        ScaleH = s.OutH > 0 ? (double)output[2] / input[2] : s.ScaleH,
        ScaleW = s.OutW > 0 ? (double)output[3] / input[3] : s.ScaleW,
        LengthH = s.OutH > 0 ? output[2] : input[2] * s.ScaleH,
        LengthW = s.OutW > 0 ? output[3] : input[3] * s.ScaleW,
    };

    public readonly ResizeTaps Row(int o) => Taps(o, H, LengthH, ScaleH);

    public readonly ResizeTaps Column(int o) => Taps(o, W, LengthW, ScaleW);

    public readonly int FirstRow(int i) => First(i, H, OutH, LengthH, ScaleH);

    public readonly int LastRow(int i) => Last(i, H, OutH, LengthH, ScaleH);

    public readonly int FirstColumn(int i) => First(i, W, OutW, LengthW, ScaleW);

    public readonly int LastColumn(int i) => Last(i, W, OutW, LengthW, ScaleW);

    private readonly ResizeTaps Taps(int o, int size, double length, double scale)
    {
        double x = Coordinates switch
        {
            (int)ResizeCoordinates.AlignCorners => length == 1 ? 0 : o * (double)(size - 1) / (length - 1),
            (int)ResizeCoordinates.Asymmetric => o / scale,
            (int)ResizeCoordinates.PytorchHalfPixel => length > 1 ? (o + 0.5) / scale - 0.5 : 0,
            _ => (o + 0.5) / scale - 0.5,
        };
        var taps = new ResizeTaps();
        if (Mode == (int)ResizeMode.Nearest)
        {
            var below = XMath.Floor(x);
            var n = Rounding switch
            {
                (int)NearestRounding.Floor => below,
                (int)NearestRounding.Ceil => XMath.Ceiling(x),
                (int)NearestRounding.RoundPreferCeil => x - below >= 0.5 ? below + 1 : below,
                _ => x - below > 0.5 ? below + 1 : below,
            };
            var at = n < 0 ? 0 : n > size - 1 ? size - 1 : (int)n;
            taps.I0 = at;
            taps.I1 = at;
            return taps;
        }
        // Linear: the coordinate clamped to the input, as edge padding would answer past it.
        var c = x < 0 ? 0 : x > size - 1 ? size - 1 : x;
        taps.I0 = (int)XMath.Floor(c);
        taps.I1 = taps.I0 + 1 < size ? taps.I0 + 1 : size - 1;
        taps.F = (float)(c - taps.I0);
        return taps;
    }

    /// <summary>The first output whose last tap reaches input <paramref name="i"/> (taps move forward with the output).</summary>
    private readonly int First(int i, int size, int outSize, double length, double scale)
    {
        var lo = 0;
        var hi = outSize;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Taps(mid, size, length, scale).I1 >= i) hi = mid;
            else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>The last output whose first tap is at or before input <paramref name="i"/>.</summary>
    private readonly int Last(int i, int size, int outSize, double length, double scale)
    {
        var lo = 0;
        var hi = outSize;
        while (lo < hi)
        {
            var mid = (lo + hi) / 2;
            if (Taps(mid, size, length, scale).I0 > i) hi = mid;
            else lo = mid + 1;
        }
        return lo - 1;
    }
}
