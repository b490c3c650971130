using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Algorithms;
using ILGPU.Runtime;

namespace DeepVis.Kernels.Image;

/// <summary>
/// Bilinear resize of NCHW images, up or down, with the semantics of PyTorch's
/// <c>F.interpolate(mode='bilinear', align_corners=False, antialias=False)</c>; the output size is the
/// output tensor's H and W. Per axis: scale = in / out, src = (dst + 0.5) * scale - 0.5 clamped at 0,
/// i0 = min(floor(src), in - 1), i1 = min(i0 + 1, in - 1), weights 1 - (src - i0) and src - i0.
/// The backward (the adjoint) is a gather: each input element loops over the bounded range of
/// outputs that can reference it and recomputes the forward weights.
/// </summary>
public static partial class Resize
{
    /// <summary>
    /// Kernel parameters of one resize; Scale* are in / out as float, as PyTorch computes them.
    /// </summary>
    internal readonly struct Sizes
    {
        public readonly int InH;
        public readonly int InW;
        public readonly int OutH;
        public readonly int OutW;
        public readonly float ScaleH;
        public readonly float ScaleW;

        public Sizes(int inH, int inW, int outH, int outW)
        {
            (InH, InW, OutH, OutW) = (inH, inW, outH, outW);
            ScaleH = (float)inH / outH;
            ScaleW = (float)inW / outW;
        }
    }

    /// <summary>The two input indices one output reads along an axis, and the weight of the second.</summary>
    private readonly struct Tap(int first, int second, float lambda)
    {
        public readonly int First = first;
        public readonly int Second = second;
        public readonly float Lambda = lambda;

        /// <summary>The weight this output gives input index <paramref name="i"/> (0 when it does not read it).</summary>
        public float WeightOf(int i) => (First == i ? 1f - Lambda : 0f) + (Second == i ? Lambda : 0f);
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Sizes> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Sizes>(BackwardKernel);
    }

    /// <summary>y = bilinear resize of x to y's H and W; y has x's N and C and is a different tensor.</summary>
    public static void Forward(Tensor x, Tensor y)
    {
        var sizes = Plan(x, y, "resize input", "resize output");
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, sizes);
        else CpuForward(x, y, sizes);
    }

    /// <summary>
    /// dx = resize^T(dy): the gradient w.r.t. the input of a resize from dx's H and W to dy's.
    /// dx has dy's N and C and is a different tensor.
    /// </summary>
    public static void Backward(Tensor dy, Tensor dx)
    {
        var sizes = Plan(dx, dy, "resize input gradient", "resize output gradient");
        if (dy.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, dx.View, sizes);
        else CpuBackward(dy, dx, sizes);
    }

    private static Sizes Plan(Tensor input, Tensor output, string inputName, string outputName)
    {
        input.RequireRank(inputName, 4);
        output.RequireRank(outputName, 4);
        if (output.N != input.N || output.C != input.C)
            throw new ShapeException(
                $"{outputName}: expected shape [{input.N}, {input.C}, H, W] (the batch and channels of {inputName} {input.ShapeText}), got {output.ShapeText}");
        if (ReferenceEquals(input, output))
            throw new ArgumentException($"resize: {outputName} must be a different tensor from {inputName}");
        return new Sizes(input.H, input.W, output.H, output.W);
    }

    private static Tap Source(int dst, float scale, int inSize)
    {
        var src = XMath.Max((dst + 0.5f) * scale - 0.5f, 0f);
        var first = XMath.Min((int)src, inSize - 1);
        var second = XMath.Min(first + 1, inSize - 1);
        var lambda = XMath.Clamp(src - first, 0f, 1f);
        return new Tap(first, second, lambda);
    }

    /// <summary>First output index along an axis that can read input index i (with a margin of one).</summary>
    private static int FirstReader(int i, float scale) =>
        XMath.Max(0, (int)XMath.Floor((i - 0.5f) / scale - 0.5f) - 1);

    /// <summary>Last output index along an axis that can read input index i (with a margin of one).</summary>
    private static int LastReader(int i, float scale, int outSize) =>
        XMath.Min(outSize - 1, (int)XMath.Ceiling((i + 1.5f) / scale - 0.5f) + 1);

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, Sizes s)
    {
        int index = i;
        var ox = index % s.OutW;
        var oy = index / s.OutW % s.OutH;
        var plane = index / (s.OutW * s.OutH) * s.InH * s.InW;
        var tx = Source(ox, s.ScaleW, s.InW);
        var ty = Source(oy, s.ScaleH, s.InH);
        var row0 = plane + ty.First * s.InW;
        var row1 = plane + ty.Second * s.InW;
        var top = (1f - tx.Lambda) * x[row0 + tx.First] + tx.Lambda * x[row0 + tx.Second];
        var bottom = (1f - tx.Lambda) * x[row1 + tx.First] + tx.Lambda * x[row1 + tx.Second];
        y[index] = (1f - ty.Lambda) * top + ty.Lambda * bottom;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, Sizes s)
    {
        int index = i;
        var ix = index % s.InW;
        var iy = index / s.InW % s.InH;
        var plane = index / (s.InW * s.InH) * s.OutH * s.OutW;
        var firstX = FirstReader(ix, s.ScaleW);
        var lastX = LastReader(ix, s.ScaleW, s.OutW);
        var lastY = LastReader(iy, s.ScaleH, s.OutH);
        var sum = 0f;
        for (var oy = FirstReader(iy, s.ScaleH); oy <= lastY; oy++)
        {
            var wy = Source(oy, s.ScaleH, s.InH).WeightOf(iy);
            if (wy == 0f) continue;
            var row = plane + oy * s.OutW;
            var rowSum = 0f;
            for (var ox = firstX; ox <= lastX; ox++)
                rowSum += Source(ox, s.ScaleW, s.InW).WeightOf(ix) * dy[row + ox];
            sum += wy * rowSum;
        }
        dx[index] = sum;
    }
}
