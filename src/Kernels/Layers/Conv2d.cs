using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Kernels.Layers;

/// <summary>Stride and zero padding of a convolution, per axis (torchvision uses square ones).</summary>
public readonly record struct Conv2dSettings(int StrideH, int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    public static Conv2dSettings Square(int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        new(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);
    public static Conv2dSettings Symmetric(int strideH, int strideW, int padH, int padW, int dilationH = 1, int dilationW = 1,
        int groups = 1) =>
        new(strideH, strideW, padH, padW, padH, padW, dilationH, dilationW, groups);
    public string Text => $"stride {StrideH}, padding {PadTop}";
    public int PadH => PadTop;
    public int PadW => PadLeft;
}

/// <summary>
/// 2-D convolution (groups = 1) with optional bias: forward and backward to the input, weights OIHW.
/// Three implementations of each: implicit GEMM with shared-memory tiles and register blocks
/// (<see cref="ImplicitGemm"/> with <see cref="Conv2dForwardProblem"/> and <see cref="Conv2dBackwardInputProblem"/>), used on GPUs; the direct kernels
/// here, one thread per output element, used on the CPU accelerator (cpu-sim), where group barriers are
/// simulated and the tiles cost more than they save; and packed matrix products on the cpu device
/// (Conv2d.Cpu.cs). Every backward gathers over the outputs each input feeds, so none needs atomics.
/// </summary>
public static partial class Conv2d
{
    /// <summary>Everything a kernel needs to index x [N,C,H,W], w [O,C,KH,KW] and y [N,O,OH,OW].</summary>
    internal readonly struct Geometry(int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dSettings s)
    {
        public readonly int C = c, H = h, W = w, O = o, KH = kh, KW = kw, OH = oh, OW = ow;
        public readonly int StrideH = s.StrideH, StrideW = s.StrideW, PadH = s.PadH, PadW = s.PadW;

        /// <summary>Splits a flat index over [outer, rows, cols]: a pixel into (n, y, x), a filter tap into (channel, ky, kx).</summary>
        public static void Split(int index, int rows, int cols, out int outer, out int row, out int col)
        {
            col = index % cols;
            var rest = index / cols;
            row = rest % rows;
            outer = rest / rows;
        }
    }

    private sealed class Loaded(Accelerator a)
    {
        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, Geometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, Geometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry>(BackwardKernel);
    }

    /// <summary>Output height and width: floor((in + 2 pad - k) / stride) + 1, as PyTorch.</summary>
    public static (int H, int W) OutputSize(int height, int width, int kernelH, int kernelW, Conv2dSettings s)
    {
        if (s.StrideH < 1 || s.StrideW < 1 || s.PadH < 0 || s.PadW < 0)
            throw new ArgumentException($"conv2d: stride must be at least 1 and padding at least 0, got {s}");
        if (height + 2 * s.PadH < kernelH || width + 2 * s.PadW < kernelW)
            throw new ShapeException(
                $"conv2d: kernel {kernelH}x{kernelW} is larger than the padded input {height + 2 * s.PadH}x{width + 2 * s.PadW}");
        return ((height + 2 * s.PadH - kernelH) / s.StrideH + 1, (width + 2 * s.PadW - kernelW) / s.StrideW + 1);
    }

    /// <param name="tiling">The implicit-GEMM layout to use on a GPU or cpu-sim; null: the device's choice (<see cref="TilingFor"/>).</param>
    /// <param name="blocking">The work items of the cpu device's matrix product; null: <see cref="CpuBlocking.Default"/>.</param>
    public static void Forward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Conv2dSettings s, GemmTiling? tiling = null,
        CpuBlocking? blocking = null)
    {
        var g = Check(x.Shape, weight, s, "conv2d input");
        bias?.RequireShape("conv2d bias", g.O);
        y.RequireShape("conv2d output", x.N, g.O, g.OH, g.OW);
        if (x.Device.RunsOnHost)
        {
            CpuForward(x, weight, bias, y, g, CpuBlockingOrDefault(blocking));
            return;
        }
        var biasView = bias?.View ?? weight.View;
        var hasBias = bias is null ? 0 : 1;
        if ((tiling ?? TilingFor(x.Device)) is { } t)
            ImplicitGemm.Run(x.Device, new Conv2dForwardProblem(x.View, weight.View, biasView, hasBias, y.View, x.N, g), t);
        else
            x.Device.Kernels(a => new Loaded(a)).Forward(y.Length, x.View, weight.View, biasView, hasBias, y.View, g);
    }

    /// <summary>dx = the gradient of sum(dy * conv(x)) with respect to x (the bias does not enter).</summary>
    /// <param name="tiling">The implicit-GEMM layout to use on a GPU or cpu-sim; null: the device's choice (<see cref="TilingFor"/>).</param>
    /// <param name="blocking">The work items of the cpu device's matrix product; null: <see cref="CpuBlocking.Default"/>.</param>
    public static void BackwardInput(Tensor dy, Tensor weight, Tensor dx, Conv2dSettings s, GemmTiling? tiling = null,
        CpuBlocking? blocking = null)
    {
        var g = Check(dx.Shape, weight, s, "conv2d input gradient");
        dy.RequireShape("conv2d output gradient", dx.N, g.O, g.OH, g.OW);
        if (dx.Device.RunsOnHost)
        {
            CpuBackwardInput(dy, weight, dx, g, CpuBlockingOrDefault(blocking));
            return;
        }
        if ((tiling ?? TilingFor(dx.Device)) is { } t)
            ImplicitGemm.Run(dx.Device, new Conv2dBackwardInputProblem(dy.View, weight.View, dx.View, dx.N, g), t);
        else
            dx.Device.Kernels(a => new Loaded(a)).Backward(dx.Length, dy.View, weight.View, dx.View, g);
    }

    private static CpuBlocking CpuBlockingOrDefault(CpuBlocking? blocking) =>
        blocking is { } b ? (b.Problem() is { } problem ? throw new ArgumentException(problem, nameof(blocking)) : b) : CpuBlocking.Default;

    /// <summary>The tiled layout a device runs convolutions with, or null for the direct kernels (the CPU accelerator).</summary>
    public static GemmTiling? TilingFor(Device device) =>
        device.IsSimulator ? null : GemmTiling.For(device);

    private static Geometry Check(IReadOnlyList<int> input, Tensor weight, Conv2dSettings s, string what)
    {
        if (input.Count != 4) throw new ShapeException($"{what}: expected an NCHW tensor, got shape {Tensor.Format(input)}");
        weight.RequireRank("conv2d weight", 4);
        if (weight.Shape[1] != input[1])
            throw new ShapeException(
                $"conv2d weight: expected {input[1]} input channels, got shape {weight.ShapeText} for input {Tensor.Format(input)}");
        var (oh, ow) = OutputSize(input[2], input[3], weight.Shape[2], weight.Shape[3], s);
        return new Geometry(input[1], input[2], input[3], weight.Shape[0], weight.Shape[2], weight.Shape[3], oh, ow, s);
    }

    private static void ForwardKernel(Index1D index, ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias,
        int hasBias, ArrayView<float> y, Geometry g)
    {
        int i = index;
        var ox = i % g.OW;
        var oy = i / g.OW % g.OH;
        var o = i / (g.OW * g.OH) % g.O;
        var n = i / (g.OW * g.OH * g.O);
        var sum = hasBias != 0 ? bias[o] : 0f;
        for (var c = 0; c < g.C; c++)
        {
            var xBase = (n * g.C + c) * g.H;
            var wBase = (o * g.C + c) * g.KH;
            for (var ky = 0; ky < g.KH; ky++)
            {
                var iy = oy * g.StrideH - g.PadH + ky;
                if (iy < 0 || iy >= g.H) continue;
                for (var kx = 0; kx < g.KW; kx++)
                {
                    var ix = ox * g.StrideW - g.PadW + kx;
                    if (ix < 0 || ix >= g.W) continue;
                    sum += w[(wBase + ky) * g.KW + kx] * x[(xBase + iy) * g.W + ix];
                }
            }
        }
        y[i] = sum;
    }

    private static void BackwardKernel(Index1D index, ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, Geometry g)
    {
        int i = index;
        var ix = i % g.W;
        var iy = i / g.W % g.H;
        var c = i / (g.W * g.H) % g.C;
        var n = i / (g.W * g.H * g.C);
        var sum = 0f;
        for (var ky = 0; ky < g.KH; ky++)
        {
            // Output row oy reads input row oy*stride - pad + ky; keep the ky that land on iy.
            var ty = iy + g.PadH - ky;
            if (ty < 0 || ty % g.StrideH != 0) continue;
            var oy = ty / g.StrideH;
            if (oy >= g.OH) continue;
            for (var kx = 0; kx < g.KW; kx++)
            {
                var tx = ix + g.PadW - kx;
                if (tx < 0 || tx % g.StrideW != 0) continue;
                var ox = tx / g.StrideW;
                if (ox >= g.OW) continue;
                for (var o = 0; o < g.O; o++)
                    sum += w[((o * g.C + c) * g.KH + ky) * g.KW + kx] * dy[((n * g.O + o) * g.OH + oy) * g.OW + ox];
            }
        }
        dx[i] = sum;
    }
}
