using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Bilinear resampling of NCHW images through a per-image affine map, outside the image a constant:
/// output pixel (i, j) reads the input at column a0 j + a1 i + a2, row a3 j + a4 i + a5 (index
/// coordinates, pixel centres at integers), where image n's six coefficients are row
/// <c>first + n</c> of a device tensor [K, 6]. The output may be larger or smaller than the input, so
/// padding, translation (jitter), scaling, rotation and crop-or-pad to a size are one launch, with the
/// per-image random draws of a whole run uploaded once and picked by <c>first</c>.
/// The sample is sum over the four neighbours of tent(sx - x) tent(sy - y) times the pixel, or the
/// padding value where the neighbour is outside, so <see cref="Backward"/> (the exact adjoint, a
/// gather over the output pixels the inverse map sends near each input pixel) adds those same weights.
/// </summary>
public static partial class AffineSample
{
    /// <summary>Coefficients per image in the parameter tensor.</summary>
    public const int Coefficients = 6;

    internal readonly struct Geometry(int inHeight, int inWidth, int outHeight, int outWidth, int first, float padding)
    {
        public readonly int InHeight = inHeight;
        public readonly int InWidth = inWidth;
        public readonly int OutHeight = outHeight;
        public readonly int OutWidth = outWidth;
        public readonly int First = first;
        public readonly float Padding = padding;
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry, int> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry, int>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry, int> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry, int>(BackwardKernel);
    }

    /// <summary>y = sample of x through rows first..first+N-1 of <paramref name="maps"/>, <paramref name="padding"/> outside x.</summary>
    public static void Forward(Tensor x, Tensor y, Tensor maps, int first, float padding)
    {
        var g = Check(x, y, maps, first, padding, "affine input", "affine output");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, maps.View, g, x.C);
        else CpuForward(x, y, maps, g);
    }

    /// <summary>dx = the adjoint of <see cref="Forward"/> applied to dy (the padding is a constant: no gradient).</summary>
    public static void Backward(Tensor dy, Tensor dx, Tensor maps, int first)
    {
        var g = Check(dx, dy, maps, first, 0f, "affine input gradient", "affine output gradient");
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, dx.View, maps.View, g, dx.C);
        else CpuBackward(dy, dx, maps, g);
    }

    private static Geometry Check(Tensor input, Tensor output, Tensor maps, int first, float padding, string inputName, string outputName)
    {
        input.RequireRank(inputName, 4);
        output.RequireRank(outputName, 4);
        if (output.N != input.N || output.C != input.C)
            throw new ShapeException($"{outputName}: expected [{input.N}, {input.C}, H, W] like {inputName}, got {output.ShapeText}");
        maps.RequireRank("affine maps", 2);
        if (maps.Shape[1] != Coefficients || first < 0 || first + input.N > maps.N)
            throw new ShapeException($"affine maps: rows {first}..{first + input.N - 1} of [K, {Coefficients}] needed, got {maps.ShapeText}");
        if (ReferenceEquals(input, output)) throw new ArgumentException("affine sampling cannot run in place");
        return new Geometry(input.H, input.W, output.H, output.W, first, padding);
    }

    private static float Tent(float d) => XMath.Max(0f, 1f - XMath.Abs(d));

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, ArrayView<float> maps, Geometry g, int channels)
    {
        int index = i;
        var j = index % g.OutWidth;
        var row = index / g.OutWidth % g.OutHeight;
        var plane = index / (g.OutWidth * g.OutHeight);
        var m = (g.First + plane / channels) * Coefficients;
        var sx = maps[m] * j + maps[m + 1] * row + maps[m + 2];
        var sy = maps[m + 3] * j + maps[m + 4] * row + maps[m + 5];
        var (x0, y0) = ((int)XMath.Floor(sx), (int)XMath.Floor(sy));
        var sum = 0f;
        for (var dy = 0; dy < 2; dy++)
            for (var dx = 0; dx < 2; dx++)
            {
                var (px, py) = (x0 + dx, y0 + dy);
                var weight = Tent(sx - px) * Tent(sy - py);
                var inside = px >= 0 && px < g.InWidth && py >= 0 && py < g.InHeight;
                sum += weight * (inside ? x[(plane * g.InHeight + py) * g.InWidth + px] : g.Padding);
            }
        y[index] = sum;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, ArrayView<float> maps, Geometry g, int channels)
    {
        int index = i;
        var px = index % g.InWidth;
        var py = index / g.InWidth % g.InHeight;
        var plane = index / (g.InWidth * g.InHeight);
        var m = (g.First + plane / channels) * Coefficients;
        var (a0, a1, a2, a3, a4, a5) = (maps[m], maps[m + 1], maps[m + 2], maps[m + 3], maps[m + 4], maps[m + 5]);
        // The output pixels whose sample point lies within one pixel of (px, py): the inverse map of
        // that 2x2 square, bounded by its corners' images.
        var det = a0 * a4 - a1 * a3;
        float jMin = float.MaxValue, jMax = float.MinValue, iMin = float.MaxValue, iMax = float.MinValue;
        for (var corner = 0; corner < 4; corner++)
        {
            var cx = px - 1f + 2f * (corner & 1) - a2;
            var cy = py - 1f + 2f * (corner >> 1) - a5;
            var oj = (a4 * cx - a1 * cy) / det;
            var oi = (a0 * cy - a3 * cx) / det;
            (jMin, jMax, iMin, iMax) = (XMath.Min(jMin, oj), XMath.Max(jMax, oj), XMath.Min(iMin, oi), XMath.Max(iMax, oi));
        }
        var j0 = XMath.Max(0, (int)XMath.Floor(jMin) - 1);
        var j1 = XMath.Min(g.OutWidth - 1, (int)XMath.Ceiling(jMax) + 1);
        var i0 = XMath.Max(0, (int)XMath.Floor(iMin) - 1);
        var i1 = XMath.Min(g.OutHeight - 1, (int)XMath.Ceiling(iMax) + 1);
        var sum = 0f;
        for (var row = i0; row <= i1; row++)
            for (var j = j0; j <= j1; j++)
            {
                var sx = a0 * j + a1 * row + a2;
                var sy = a3 * j + a4 * row + a5;
                sum += Tent(sx - px) * Tent(sy - py) * dy[(plane * g.OutHeight + row) * g.OutWidth + j];
            }
        dx[index] = sum;
    }
}
