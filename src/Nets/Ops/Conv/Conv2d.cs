using DeepVis.Kernels.Cpu;
using DeepVis.Kernels.Gemm;
using DeepVis.Kernels.Runtime;
using ILGPU;
using ILGPU.Runtime;
using Device = DeepVis.Kernels.Runtime.Device;

namespace DeepVis.Ops;

/// <summary>
/// Stride, zero padding (each side), dilation and groups of a convolution, as PyTorch's Conv2d
/// (padding given per side as torch.nn.functional.pad or Keras' "same" with an even kernel need it).
/// Weights are [O, C / Groups, KH, KW]; output channel o reads the input channels of its group o / (O / Groups).
/// </summary>
public readonly record struct Conv2dSettings(int StrideH, int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight,
    int DilationH = 1, int DilationW = 1, int Groups = 1)
{
    /// <summary>The same stride, padding (all four sides) and dilation on both axes: torchvision's convolutions.</summary>
    public static Conv2dSettings Square(int stride = 1, int padding = 0, int dilation = 1, int groups = 1) =>
        new(stride, stride, padding, padding, padding, padding, dilation, dilation, groups);

    /// <summary>Per-axis stride, padding (the same before and after) and dilation.</summary>
    public static Conv2dSettings Symmetric(int strideH, int strideW, int padH, int padW, int dilationH = 1, int dilationW = 1,
        int groups = 1) =>
        new(strideH, strideW, padH, padW, padH, padW, dilationH, dilationW, groups);

    /// <summary>
    /// For listings: "stride 1, padding 1", or "stride 2x1, padding (0,1,0,1), dilation 2, groups 32": one number where
    /// both axes (or all four sides) agree, per-axis HxW or (top,left,bottom,right) where not; dilation 1 and groups 1 are left out.
    /// </summary>
    public string Text
    {
        get
        {
            var stride = StrideH == StrideW ? $"{StrideH}" : $"{StrideH}x{StrideW}";
            var padding = PadTop == PadLeft && PadTop == PadBottom && PadTop == PadRight
                ? $"{PadTop}" : $"({PadTop},{PadLeft},{PadBottom},{PadRight})";
            var text = $"stride {stride}, padding {padding}";
            if (DilationH != 1 || DilationW != 1)
                text += DilationH == DilationW ? $", dilation {DilationH}" : $", dilation {DilationH}x{DilationW}";
            if (Groups != 1) text += $", groups {Groups}";
            return text;
        }
    }

    /// <summary>What is out of range (a stride or dilation below 1, a negative padding, groups below 1), or null.</summary>
    internal string? Problem() =>
        StrideH < 1 || StrideW < 1 ? $"conv2d: stride must be at least 1, got {StrideH}x{StrideW}"
        : PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0
            ? $"conv2d: padding must be at least 0, got ({PadTop},{PadLeft},{PadBottom},{PadRight}) (top,left,bottom,right)"
        : DilationH < 1 || DilationW < 1 ? $"conv2d: dilation must be at least 1, got {DilationH}x{DilationW}"
        : Groups < 1 ? $"conv2d: groups must be at least 1, got {Groups}"
        : null;
}

/// <summary>
/// 2-D convolution with optional bias, stride, per-side zero padding, dilation and groups (depthwise
/// included): forward and backward to the input, weights [O, C/groups, KH, KW].
/// Three implementations of each: implicit GEMM with shared-memory tiles and register blocks
/// (<see cref="ImplicitGemm"/> with <see cref="Conv2dForwardProblem"/> and <see cref="Conv2dBackwardInputProblem"/>,
/// one product per group, the group folded into the grid), used on GPUs; the direct kernels
/// here, one thread per output element, used on the CPU accelerator (cpu-sim), where group barriers are
/// simulated and the tiles cost more than they save, and on GPUs for depthwise convolutions (one input
/// channel per output: a product with one column per group would waste all but one column of each tile);
/// and packed matrix products per group on the cpu device, with a direct vectorized path for depthwise
/// convolutions and narrow groups (Conv2d.Cpu.cs). Every backward gathers over the outputs each input feeds, so none needs atomics.
/// </summary>
public static partial class Conv2d
{
    /// <summary>
    /// Everything a kernel needs to index x [N,C,H,W], w [O,C/G,KH,KW] and y [N,O,OH,OW]: <see cref="GroupC"/>
    /// and <see cref="GroupO"/> are the input and output channels of one group. Input row oy * StrideH -
    /// PadTop + ky * DilationH feeds output row oy through tap row ky (columns alike).
    /// </summary>
    internal readonly struct Geometry(int c, int h, int w, int o, int kh, int kw, int oh, int ow, Conv2dSettings s)
    {
        public readonly int C = c, H = h, W = w, O = o, KH = kh, KW = kw, OH = oh, OW = ow;
        public readonly int StrideH = s.StrideH, StrideW = s.StrideW, PadTop = s.PadTop, PadLeft = s.PadLeft;
        public readonly int PadBottom = s.PadBottom, PadRight = s.PadRight, DilationH = s.DilationH, DilationW = s.DilationW;
        public readonly int Groups = s.Groups, GroupC = c / s.Groups, GroupO = o / s.Groups;

        /// <summary>Grouped with one input channel per group (groups = C; depthwise proper when also O = C, a channel multiplier otherwise).</summary>
        public bool Depthwise => Groups > 1 && GroupC == 1;

        /// <summary>Splits a flat index over [outer, rows, cols]: a pixel into (n, y, x), a filter tap into (channel, ky, kx).</summary>
        public static void Split(int index, int rows, int cols, out int outer, out int row, out int col)
        {
            col = index % cols;
            var rest = index / cols;
            row = rest % rows;
            outer = rest / rows;
        }
    }

    private sealed class Loaded(Accelerator a) : IKernelSet<Loaded>
    {
        public static Loaded Load(Accelerator accelerator) => new(accelerator);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, Geometry> Forward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, int, ArrayView<float>, Geometry>(ForwardKernel);

        public readonly Action<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry> Backward =
            a.LoadAutoGroupedStreamKernel<Index1D, ArrayView<float>, ArrayView<float>, ArrayView<float>, Geometry>(BackwardKernel);
    }

    /// <summary>
    /// Output height and width as PyTorch: floor((in + padBegin + padEnd - dilation (k - 1) - 1) / stride) + 1.
    /// </summary>
    public static (int H, int W) OutputSize(int height, int width, int kernelH, int kernelW, Conv2dSettings s)
    {
        if (s.Problem() is { } problem) throw new ArgumentException($"{problem} ({s.Text})");
        int extentH = s.DilationH * (kernelH - 1) + 1, extentW = s.DilationW * (kernelW - 1) + 1;
        int paddedH = height + s.PadTop + s.PadBottom, paddedW = width + s.PadLeft + s.PadRight;
        if (paddedH < extentH || paddedW < extentW)
        {
            var dilated = s.DilationH != 1 || s.DilationW != 1 ? $" (dilated to {extentH}x{extentW})" : "";
            throw new ShapeException(
                $"conv2d: kernel {kernelH}x{kernelW}{dilated} is larger than the padded input {paddedH}x{paddedW}");
        }
        return ((paddedH - extentH) / s.StrideH + 1, (paddedW - extentW) / s.StrideW + 1);
    }

    /// <param name="tiling">The implicit-GEMM layout to use on a GPU or cpu-sim; null: the device's choice (<see cref="TilingFor"/>,
    /// and the direct kernel for depthwise convolutions).</param>
    /// <param name="blocking">The work items of the cpu device's matrix product; null: <see cref="CpuBlocking.Default"/>.</param>
    public static void Forward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Conv2dSettings s, GemmTiling? tiling = null,
        CpuBlocking? blocking = null) =>
        Forward(x, weight, bias, y, s, prepared: null, Conv2dCpuAlgorithm.Auto, tiling, blocking);

    /// <param name="prepared">The layer's weights prepared for the cpu device (packed once), or null to pack them on this call.</param>
    /// <param name="algorithm">The cpu device's algorithm (<see cref="Conv2dCpuAlgorithm.Auto"/>: its own rule).</param>
    internal static void Forward(Tensor x, Tensor weight, Tensor? bias, Tensor y, Conv2dSettings s, Conv2dPrepared? prepared,
        Conv2dCpuAlgorithm algorithm, GemmTiling? tiling = null, CpuBlocking? blocking = null)
    {
        var g = Check(x.Shape, weight, s, "conv2d input");
        bias?.RequireShape("conv2d bias", g.O);
        y.RequireShape("conv2d output", x.N, g.O, g.OH, g.OW);
        if (x.Device.Ilgpu<Loaded>() is not { } kernels)
        {
            var b = CpuBlockingOrDefault(blocking);
            if (CpuDirect(g)) CpuDirectForward(x, weight, bias, y, g);
            else if (WinogradTileFor(g.KH, g.KW, s, g.C, g.O, g.OH, g.OW, algorithm) is var tile and > 0)
                CpuWinogradForward(x, weight, bias, y, g, b, prepared, tile);
            else CpuForward(x, weight, bias, y, g, b, prepared);
            return;
        }
        var biasView = bias?.View ?? weight.View;
        var hasBias = bias is null ? 0 : 1;
        if ((tiling ?? DefaultTiling(x.Device, g)) is { } t)
            ImplicitGemm.Run(x.Device, new Conv2dForwardProblem(x.View, weight.View, biasView, hasBias, y.View, x.N, g), t);
        else
            kernels.Forward(y.Length, x.View, weight.View, biasView, hasBias, y.View, g);
    }

    /// <summary>dx = the gradient of sum(dy * conv(x)) with respect to x (the bias does not enter).</summary>
    /// <param name="tiling">The implicit-GEMM layout to use on a GPU or cpu-sim; null: the device's choice (<see cref="TilingFor"/>,
    /// and the direct kernel for depthwise convolutions).</param>
    /// <param name="blocking">The work items of the cpu device's matrix product; null: <see cref="CpuBlocking.Default"/>.</param>
    public static void BackwardInput(Tensor dy, Tensor weight, Tensor dx, Conv2dSettings s, GemmTiling? tiling = null,
        CpuBlocking? blocking = null) =>
        BackwardInput(dy, weight, dx, s, prepared: null, Conv2dCpuAlgorithm.Auto, tiling, blocking);

    /// <param name="prepared">The layer's weights prepared for the cpu device (packed once), or null to pack them on this call.</param>
    /// <param name="algorithm">The cpu device's algorithm (<see cref="Conv2dCpuAlgorithm.Auto"/>: its own rule, which for
    /// Winograd looks at the backward's own product: dy's channels in, dx's out).</param>
    internal static void BackwardInput(Tensor dy, Tensor weight, Tensor dx, Conv2dSettings s, Conv2dPrepared? prepared,
        Conv2dCpuAlgorithm algorithm, GemmTiling? tiling = null, CpuBlocking? blocking = null)
    {
        var g = Check(dx.Shape, weight, s, "conv2d input gradient");
        dy.RequireShape("conv2d output gradient", dx.N, g.O, g.OH, g.OW);
        if (dx.Device.Ilgpu<Loaded>() is not { } kernels)
        {
            var b = CpuBlockingOrDefault(blocking);
            if (CpuDirect(g)) CpuDirectBackwardInput(dy, weight, dx, g);
            else if (WinogradTileFor(g.KH, g.KW, s, g.O, g.C, g.H, g.W, algorithm) is var tile and > 0)
                CpuWinogradBackwardInput(dy, weight, dx, g, b, prepared, tile);
            else CpuBackwardInput(dy, weight, dx, g, b, prepared);
            return;
        }
        if ((tiling ?? DefaultTiling(dx.Device, g)) is { } t)
            ImplicitGemm.Run(dx.Device, new Conv2dBackwardInputProblem(dy.View, weight.View, dx.View, dx.N, g), t);
        else
            kernels.Backward(dx.Length, dy.View, weight.View, dx.View, g);
    }

    private static CpuBlocking CpuBlockingOrDefault(CpuBlocking? blocking) =>
        blocking is { } b ? (b.Problem() is { } problem ? throw new ArgumentException(problem, nameof(blocking)) : b) : CpuBlocking.Default;

    /// <summary>The tiled layout a device runs convolutions with, or null for the direct kernels (the CPU accelerator).</summary>
    public static GemmTiling? TilingFor(Device device) =>
        device.IsSimulator ? null : GemmTiling.For(device);

    /// <summary>
    /// <see cref="TilingFor"/>, except that depthwise convolutions take the direct kernel on GPUs too: per group the
    /// product would have one column (or a handful), and a 64-column tile would compute mostly padding.
    /// </summary>
    private static GemmTiling? DefaultTiling(Device device, Geometry g) => g.Depthwise ? null : TilingFor(device);

    private static Geometry Check(IReadOnlyList<int> input, Tensor weight, Conv2dSettings s, string what)
    {
        if (input.Count != 4) throw new ShapeException($"{what}: expected an NCHW tensor, got shape {Tensor.Format(input)}");
        weight.RequireRank("conv2d weight", 4);
        if (s.Problem() is { } problem) throw new ArgumentException($"{problem} ({s.Text})");
        var groups = s.Groups;
        if (input[1] % groups != 0 || weight.Shape[0] % groups != 0)
            throw new ShapeException(
                $"conv2d: {groups} groups must divide the input channels and the filters, got input {Tensor.Format(input)} and weight {weight.ShapeText}");
        if (weight.Shape[1] != input[1] / groups)
            throw new ShapeException(groups == 1
                ? $"conv2d weight: expected {input[1]} input channels, got shape {weight.ShapeText} for input {Tensor.Format(input)}"
                : $"conv2d weight: expected {input[1] / groups} input channels per filter ({input[1]} channels in {groups} groups), " +
                  $"got shape {weight.ShapeText} for input {Tensor.Format(input)}");
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
        // Filter o reads the GroupC input channels of its group.
        var c0 = o / g.GroupO * g.GroupC;
        for (var cc = 0; cc < g.GroupC; cc++)
        {
            var xBase = (n * g.C + c0 + cc) * g.H;
            var wBase = (o * g.GroupC + cc) * g.KH;
            for (var ky = 0; ky < g.KH; ky++)
            {
                var iy = oy * g.StrideH - g.PadTop + ky * g.DilationH;
                if (iy < 0 || iy >= g.H) continue;
                for (var kx = 0; kx < g.KW; kx++)
                {
                    var ix = ox * g.StrideW - g.PadLeft + kx * g.DilationW;
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
        // Channel c feeds the GroupO filters of its group, through their weight channel cc.
        var group = c / g.GroupC;
        var cc = c - group * g.GroupC;
        var sum = 0f;
        for (var ky = 0; ky < g.KH; ky++)
        {
            // Output row oy reads input row oy*stride - pad + ky*dilation; keep the ky that land on iy.
            var ty = iy + g.PadTop - ky * g.DilationH;
            if (ty < 0 || ty % g.StrideH != 0) continue;
            var oy = ty / g.StrideH;
            if (oy >= g.OH) continue;
            for (var kx = 0; kx < g.KW; kx++)
            {
                var tx = ix + g.PadLeft - kx * g.DilationW;
                if (tx < 0 || tx % g.StrideW != 0) continue;
                var ox = tx / g.StrideW;
                if (ox >= g.OW) continue;
                for (var o = group * g.GroupO; o < (group + 1) * g.GroupO; o++)
                    sum += w[((o * g.GroupC + cc) * g.KH + ky) * g.KW + kx] * dy[((n * g.O + o) * g.OH + oy) * g.OW + ox];
            }
        }
        dx[i] = sum;
    }
}
