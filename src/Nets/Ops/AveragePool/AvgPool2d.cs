using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// 2-D average pooling over NCHW with PyTorch's semantics, divisor included: the window is first cut
/// at the input plus padding (which only ceil mode can reach), that size is the divisor with
/// count_include_pad, and the window clipped to the input is the divisor without it. Forward and
/// backward-to-input kernels; the backward gathers, one thread per input element.
/// </summary>
public static partial class AvgPool2d
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2dGeometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2dGeometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, Pool2dGeometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, Pool2dGeometry>(BackwardKernel);
    }

    /// <summary>The output shape for an NCHW input shape.</summary>
    public static int[] OutputShape(IReadOnlyList<int> input, Pool2dSettings settings) =>
        settings is { DilationH: 1, DilationW: 1 } ? settings.OutputShape("avg-pool", input)
        : throw new ArgumentException($"avg-pool: dilation must be 1, got {settings.DilationH}x{settings.DilationW}");

    /// <summary>y[n, c, oh, ow] = the window's sum over the input divided as PyTorch divides it.</summary>
    public static void Forward(Tensor x, Tensor y, Pool2dSettings settings, bool countIncludePad = true)
    {
        var shape = OutputShape(x.Shape, settings);
        y.RequireShape("avg-pool output", shape);
        var geometry = settings.Geometry(x.Shape, shape, countIncludePad);
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, geometry);
        else CpuForward(x, y, geometry);
    }

    /// <summary>dx[i] = the sum over the windows covering x[i] of dy / that window's divisor.</summary>
    public static void Backward(Tensor dy, Tensor dx, Pool2dSettings settings, bool countIncludePad = true)
    {
        var shape = OutputShape(dx.Shape, settings);
        dy.RequireShape("avg-pool output gradient", shape);
        var geometry = settings.Geometry(dx.Shape, shape, countIncludePad);
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, dx.View, geometry);
        else CpuBackward(dy, dx, geometry);
    }

    /// <summary>Window (oh, ow) clipped to the input, and its divisor (0 when the window holds no input).</summary>
    private static int Window(int oh, int ow, Pool2dGeometry g, out int h0, out int h1, out int w0, out int w1)
    {
        h0 = oh * g.StrideH - g.PadTop;
        w0 = ow * g.StrideW - g.PadLeft;
        h1 = h0 + g.KernelH < g.H + g.PadBottom ? h0 + g.KernelH : g.H + g.PadBottom;
        w1 = w0 + g.KernelW < g.W + g.PadRight ? w0 + g.KernelW : g.W + g.PadRight;
        var padded = (h1 - h0) * (w1 - w0);
        if (h0 < 0) h0 = 0;
        if (w0 < 0) w0 = 0;
        if (h1 > g.H) h1 = g.H;
        if (w1 > g.W) w1 = g.W;
        if (h0 >= h1 || w0 >= w1) return 0;
        return g.CountIncludePad != 0 ? padded : (h1 - h0) * (w1 - w0);
    }

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, Pool2dGeometry g)
    {
        int index = i;
        var ow = index % g.OutW;
        var oh = index / g.OutW % g.OutH;
        var plane = index / (g.OutW * g.OutH) * (g.H * g.W);
        var divisor = Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
        var sum = 0f;
        for (var h = h0; h < h1; h++)
            for (var w = w0; w < w1; w++)
                sum += x[plane + h * g.W + w];
        y[index] = divisor == 0 ? 0f : sum / divisor;
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, Pool2dGeometry g)
    {
        int index = i;
        var iw = index % g.W;
        var ih = index / g.W % g.H;
        var outPlane = index / (g.W * g.H) * (g.OutH * g.OutW);
        var ohLast = Pool2dGeometry.LastWindow(ih, g.StrideH, g.PadTop, g.OutH);
        var owFirst = Pool2dGeometry.FirstWindow(iw, g.KernelW, g.StrideW, g.PadLeft);
        var owLast = Pool2dGeometry.LastWindow(iw, g.StrideW, g.PadLeft, g.OutW);
        var sum = 0f;
        for (var oh = Pool2dGeometry.FirstWindow(ih, g.KernelH, g.StrideH, g.PadTop); oh <= ohLast; oh++)
        {
            for (var ow = owFirst; ow <= owLast; ow++)
            {
                var divisor = Window(oh, ow, g, out var h0, out var h1, out var w0, out var w1);
                if (divisor != 0 && ih >= h0 && ih < h1 && iw >= w0 && iw < w1)
                    sum += dy[outPlane + oh * g.OutW + ow] / divisor;
            }
        }
        dx[index] = sum;
    }
}
