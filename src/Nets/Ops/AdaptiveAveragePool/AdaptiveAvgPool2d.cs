using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Adaptive average pooling of NCHW to a fixed (OH, OW), as PyTorch bins it: output o averages inputs
/// floor(o * in / out) .. ceil((o + 1) * in / out) - 1 on each axis. Works for in &lt; out too (bins then
/// repeat inputs), as VGG's pool to 7x7 does on small images. Forward and backward-to-input kernels;
/// the backward gathers, one thread per input element.
/// </summary>
public static partial class AdaptiveAvgPool2d
{
    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, AdaptiveGeometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, AdaptiveGeometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, AdaptiveGeometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, AdaptiveGeometry>(BackwardKernel);
    }

    /// <summary>Input and output plane sizes, passed to the kernels by value.</summary>
    internal struct AdaptiveGeometry
    {
        public int H, W, OutH, OutW;
    }

    /// <summary>The output shape [N, C, outH, outW] for an NCHW input shape.</summary>
    public static int[] OutputShape(IReadOnlyList<int> input, int outH, int outW)
    {
        if (outH < 1 || outW < 1)
            throw new ArgumentException($"adaptive avg-pool: output size must be positive, got {outH}x{outW}");
        if (input.Count != 4)
            throw new ShapeException($"adaptive avg-pool input: expected a rank-4 tensor, got shape {Tensor.Format(input)}");
        return [input[0], input[1], outH, outW];
    }

    /// <summary>y[n, c, oh, ow] = the mean of x over bin (oh, ow); the output size is y's H and W.</summary>
    public static void Forward(Tensor x, Tensor y)
    {
        y.RequireRank("adaptive avg-pool output", 4);
        y.RequireShape("adaptive avg-pool output", OutputShape(x.Shape, y.H, y.W));
        var geometry = new AdaptiveGeometry { H = x.H, W = x.W, OutH = y.H, OutW = y.W };
        if (x.Device.Ilgpu<Loaded>() is { } kernels) kernels.Forward(y.Length, x.View, y.View, geometry);
        else CpuForward(x, y, geometry);
    }

    /// <summary>dx[i] = the sum over the bins holding x[i] of dy / that bin's size.</summary>
    public static void Backward(Tensor dy, Tensor dx)
    {
        dy.RequireRank("adaptive avg-pool output gradient", 4);
        dy.RequireShape("adaptive avg-pool output gradient", OutputShape(dx.Shape, dy.H, dy.W));
        var geometry = new AdaptiveGeometry { H = dx.H, W = dx.W, OutH = dy.H, OutW = dy.W };
        if (dx.Device.Ilgpu<Loaded>() is { } kernels) kernels.Backward(dx.Length, dy.View, dx.View, geometry);
        else CpuBackward(dy, dx, geometry);
    }

    private static int BinStart(int o, int input, int output) => o * input / output;

    private static int BinEnd(int o, int input, int output) => ((o + 1) * input + output - 1) / output;

    private static void ForwardKernel(Index1D i, ArrayView<float> x, ArrayView<float> y, AdaptiveGeometry g)
    {
        int index = i;
        var ow = index % g.OutW;
        var oh = index / g.OutW % g.OutH;
        var plane = index / (g.OutW * g.OutH) * (g.H * g.W);
        var h0 = BinStart(oh, g.H, g.OutH);
        var h1 = BinEnd(oh, g.H, g.OutH);
        var w0 = BinStart(ow, g.W, g.OutW);
        var w1 = BinEnd(ow, g.W, g.OutW);
        var sum = 0f;
        for (var h = h0; h < h1; h++)
            for (var w = w0; w < w1; w++)
                sum += x[plane + h * g.W + w];
        y[index] = sum / ((h1 - h0) * (w1 - w0));
    }

    private static void BackwardKernel(Index1D i, ArrayView<float> dy, ArrayView<float> dx, AdaptiveGeometry g)
    {
        int index = i;
        var iw = index % g.W;
        var ih = index / g.W % g.H;
        var outPlane = index / (g.W * g.H) * (g.OutH * g.OutW);
        // Bins holding i: floor(i * out / in) .. ceil((i + 1) * out / in) - 1, checked exactly below.
        var ohFirst = ih * g.OutH / g.H;
        var ohLast = XMin(((ih + 1) * g.OutH + g.H - 1) / g.H - 1, g.OutH - 1);
        var owFirst = iw * g.OutW / g.W;
        var owLast = XMin(((iw + 1) * g.OutW + g.W - 1) / g.W - 1, g.OutW - 1);
        var sum = 0f;
        for (var oh = ohFirst; oh <= ohLast; oh++)
        {
            var h0 = BinStart(oh, g.H, g.OutH);
            var h1 = BinEnd(oh, g.H, g.OutH);
            if (ih < h0 || ih >= h1) continue;
            for (var ow = owFirst; ow <= owLast; ow++)
            {
                var w0 = BinStart(ow, g.W, g.OutW);
                var w1 = BinEnd(ow, g.W, g.OutW);
                if (iw >= w0 && iw < w1) sum += dy[outPlane + oh * g.OutW + ow] / ((h1 - h0) * (w1 - w0));
            }
        }
        dx[index] = sum;
    }

    private static int XMin(int a, int b) => a < b ? a : b;
}
