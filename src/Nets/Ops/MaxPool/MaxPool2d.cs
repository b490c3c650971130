using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// 2-D max pooling over NCHW with PyTorch's semantics: padding acts as -inf, ties go to the first
/// maximum in row-major window order, NaN propagates; taps may be dilated (ONNX's dilations). Forward and backward-to-input kernels; the
/// backward recomputes each window's arg-max from x (no index buffer) and gathers, one thread per input.
/// </summary>
public static partial class MaxPool2d
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2dGeometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2dGeometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2dGeometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Pool2dGeometry>(BackwardKernel);
    }

    /// <summary>The output shape for an NCHW input shape.</summary>
    public static int[] OutputShape(IReadOnlyList<int> input, Pool2dSettings settings) =>
        settings.OutputShape("max-pool", input);

    /// <summary>y[n, c, oh, ow] = max of x over the window's taps (oh * s - p + a * d for a below k, those inside the input).</summary>
    public static void Forward(Tensor x, Tensor y, Pool2dSettings settings)
    {
        var shape = OutputShape(x.Shape, settings);
        y.RequireShape("max-pool output", shape);
        var geometry = settings.Geometry(x.Shape, shape);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, geometry);
        else CpuForward(x, y, geometry);
    }

    /// <summary>dx[i] = the sum of dy over the windows whose (first) maximum is x[i].</summary>
    public static void Backward(Tensor x, Tensor dy, Tensor dx, Pool2dSettings settings)
    {
        var shape = OutputShape(x.Shape, settings);
        dy.RequireShape("max-pool output gradient", shape);
        dx.RequireShape("max-pool input gradient", [.. x.Shape]);
        var geometry = settings.Geometry(x.Shape, shape);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, x.View, dy.View, dx.View, geometry);
        else CpuBackward(x, dy, dx, geometry);
    }

    /// <summary>
    /// The offset (within the plane) of the first maximum of window (oh, ow), as PyTorch's CPU kernel
    /// picks it: strictly greater wins, NaN always wins; taps are DilationH x DilationW apart. -1 when no
    /// tap lies inside the input (a dilated window can straddle it).
    /// </summary>
    private static int ArgMax(ArrayView<float> x, int plane, int oh, int ow, Pool2dGeometry g)
    {
        var h0 = oh * g.StrideH - g.PadTop;
        var w0 = ow * g.StrideW - g.PadLeft;
        var aEnd = Pool2dGeometry.TapEnd(h0, g.KernelH, g.DilationH, g.H);
        var bFirst = Pool2dGeometry.FirstTap(w0, g.DilationW);
        var bEnd = Pool2dGeometry.TapEnd(w0, g.KernelW, g.DilationW, g.W);
        var best = -1;
        var max = float.NegativeInfinity;
        for (var a = Pool2dGeometry.FirstTap(h0, g.DilationH); a < aEnd; a++)
        {
            var row = (h0 + a * g.DilationH) * g.W + w0;
            for (var b = bFirst; b < bEnd; b++)
            {
                var offset = row + b * g.DilationW;
                var value = x[plane + offset];
                if (best < 0 || value > max || float.IsNaN(value))
                {
                    max = value;
                    best = offset;
                }
            }
        }
        return best;
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, Pool2dGeometry g)
    {
        int index = i;
        var ow = index % g.OutW;
        var oh = index / g.OutW % g.OutH;
        var plane = index / (g.OutW * g.OutH) * (g.H * g.W);
        var best = ArgMax(x, plane, oh, ow, g);
        y[index] = best < 0 ? float.NegativeInfinity : x[plane + best];
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, Pool2dGeometry g)
    {
        int index = i;
        var iw = index % g.W;
        var ih = index / g.W % g.H;
        var nc = index / (g.W * g.H);
        var plane = nc * (g.H * g.W);
        var outPlane = nc * (g.OutH * g.OutW);
        var offset = ih * g.W + iw;
        var ohLast = Pool2dGeometry.LastWindow(ih, g.StrideH, g.PadTop, g.OutH);
        // The windows whose span covers the element; ArgMax lands only on taps.
        var owFirst = Pool2dGeometry.FirstWindow(iw, (g.KernelW - 1) * g.DilationW + 1, g.StrideW, g.PadLeft);
        var owLast = Pool2dGeometry.LastWindow(iw, g.StrideW, g.PadLeft, g.OutW);
        var sum = 0f;
        for (var oh = Pool2dGeometry.FirstWindow(ih, (g.KernelH - 1) * g.DilationH + 1, g.StrideH, g.PadTop); oh <= ohLast; oh++)
        {
            for (var ow = owFirst; ow <= owLast; ow++)
            {
                if (ArgMax(x, plane, oh, ow, g) == offset) sum += dy[outPlane + oh * g.OutW + ow];
            }
        }
        dx[index] = sum;
    }
}
