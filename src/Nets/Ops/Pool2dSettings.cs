using DeepVis.Kernels.Runtime;

namespace DeepVis.Ops;

/// <summary>
/// Window settings shared by <see cref="MaxPool2d"/> and <see cref="AvgPool2d"/>, per axis (H then W),
/// with PyTorch's meaning generalized to ONNX's asymmetric padding: <see cref="PadTop"/> and
/// <see cref="PadLeft"/> before the input, <see cref="PadBottom"/> and <see cref="PadRight"/> after it,
/// and <see cref="CeilMode"/> rounding the output size up (the last window must still start inside the
/// input or its leading padding). <see cref="DilationH"/> and <see cref="DilationW"/> space a max pool's
/// taps (ONNX's dilations); average pooling takes 1 only.
/// </summary>
/// <remarks>
/// Validation (<see cref="Validate"/>): kernels and strides positive, every pad at least 0 and less than
/// its kernel (ONNX's rule; then no window lies wholly in padding). PyTorch's stricter "padding at most
/// half the kernel" is not enforced, not even for the square and <see cref="Symmetric"/> helpers: one
/// rule for every setting, and torchvision's architectures never come near it.
/// </remarks>
public readonly record struct Pool2dSettings(
    int KernelH, int KernelW, int StrideH, int StrideW, int PadTop, int PadLeft, int PadBottom, int PadRight, bool CeilMode = false,
    int DilationH = 1, int DilationW = 1)
{
    /// <summary>A square window with the same stride and padding on both axes and both sides.</summary>
    public Pool2dSettings(int kernel, int stride, int padding = 0, bool ceilMode = false)
        : this(kernel, kernel, stride, stride, padding, padding, padding, padding, ceilMode)
    {
    }

    /// <summary>PyTorch's per-axis settings: <paramref name="padH"/> above and below, <paramref name="padW"/> left and right.</summary>
    public static Pool2dSettings Symmetric(int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, bool ceilMode = false) =>
        new(kernelH, kernelW, strideH, strideW, padH, padW, padH, padW, ceilMode);

    /// <summary>True when each axis has the same padding on both sides (every PyTorch pooling layer).</summary>
    public bool IsSymmetric => PadTop == PadBottom && PadLeft == PadRight;

    /// <summary>
    /// For listings: "3x3, stride 2, padding 1, ceil" (one number per setting where both axes agree, HxW
    /// where they differ, and "padding top 0 left 0 bottom 1 right 1" for asymmetric padding).
    /// </summary>
    public string Text
    {
        get
        {
            var stride = StrideH == StrideW ? $"{StrideH}" : $"{StrideH}x{StrideW}";
            var padding = !IsSymmetric ? $"top {PadTop} left {PadLeft} bottom {PadBottom} right {PadRight}"
                : PadTop == PadLeft ? $"{PadTop}" : $"{PadTop}x{PadLeft}";
            var dilation = DilationH == 1 && DilationW == 1 ? "" : DilationH == DilationW ? $", dilation {DilationH}" : $", dilation {DilationH}x{DilationW}";
            return $"{KernelH}x{KernelW}, stride {stride}, padding {padding}{dilation}{(CeilMode ? ", ceil" : "")}";
        }
    }

    /// <summary>The output shape [N, C, OH, OW] for an NCHW input shape; throws when a setting or the input does not fit.</summary>
    public int[] OutputShape(string what, IReadOnlyList<int> input)
    {
        Validate(what);
        if (input.Count != 4)
            throw new ShapeException($"{what} input: expected a rank-4 tensor, got shape {Tensor.Format(input)}");
        var outH = OutputSize(input[2], Span(KernelH, DilationH), StrideH, PadTop, PadBottom, CeilMode);
        var outW = OutputSize(input[3], Span(KernelW, DilationW), StrideW, PadLeft, PadRight, CeilMode);
        if (outH < 1 || outW < 1)
            throw new ShapeException(
                $"{what} input: shape {Tensor.Format(input)} is too small for a {Text} window: " +
                $"the output would be {Tensor.Format([input[0], input[1], outH, outW])}");
        return [input[0], input[1], outH, outW];
    }

    /// <summary>The extent a window of <paramref name="kernel"/> taps spaced <paramref name="dilation"/> apart covers.</summary>
    public static int Span(int kernel, int dilation) => (kernel - 1) * dilation + 1;

    /// <summary>
    /// PyTorch's pooling_output_shape (<paramref name="kernel"/>: the window's <see cref="Span"/>) generalized to different padding before and after:
    /// span = in + begin + end - k (+ stride - 1 with ceil mode), size = floor(span / stride) + 1, less one
    /// with ceil mode when that last window would start at or past the end of input plus leading padding.
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride, int padBegin, int padEnd, bool ceilMode)
    {
        var span = input + padBegin + padEnd - kernel + (ceilMode ? stride - 1 : 0);
        var size = FloorDiv(span, stride) + 1;
        if (ceilMode && (size - 1) * stride >= input + padBegin) size--;
        return size;
    }

    /// <summary>Rejects non-positive kernels, strides or dilations, negative padding and padding as large as the (dilated) kernel.</summary>
    public void Validate(string what)
    {
        if (KernelH < 1 || KernelW < 1)
            throw new ArgumentException($"{what}: kernel size must be positive, got {KernelH}x{KernelW}");
        if (StrideH < 1 || StrideW < 1)
            throw new ArgumentException($"{what}: stride must be positive, got {StrideH}x{StrideW}");
        if (DilationH < 1 || DilationW < 1)
            throw new ArgumentException($"{what}: dilation must be positive, got {DilationH}x{DilationW}");
        if (PadTop < 0 || PadLeft < 0 || PadBottom < 0 || PadRight < 0)
            throw new ArgumentException(
                $"{what}: padding must not be negative, got top {PadTop} left {PadLeft} bottom {PadBottom} right {PadRight}");
        // A dilated window's side is its span: its taps reach that far.
        var (spanH, spanW) = (Span(KernelH, DilationH), Span(KernelW, DilationW));
        if (PadTop >= spanH || PadBottom >= spanH || PadLeft >= spanW || PadRight >= spanW)
            throw new ArgumentException(
                $"{what}: padding must be less than the kernel size, got padding top {PadTop} left {PadLeft} bottom {PadBottom} " +
                $"right {PadRight} for kernel {spanH}x{spanW}{(DilationH == 1 && DilationW == 1 ? "" : " (dilated)")}");
    }

    /// <summary>The attributes a stored pool takes (and AveragePool's count_include_pad).</summary>
    internal const string Attributes = "kernel [kh, kw], stride [sh, sw], pads [top, left, bottom, right], ceil [0|1]";

    /// <summary>What a stored max pool takes besides <see cref="Attributes"/>.</summary>
    internal const string DilationAttribute = "dilation [dh, dw] (default 1)";

    /// <summary>
    /// What is out of range, or null: kernel, stride and dilation from 1 to <see cref="Ranges.MaxExtent"/>, and
    /// each pad from 0 to less than its kernel (<see cref="Validate"/>'s rule, as one line naming the attribute).
    /// </summary>
    public string? Problem() => Problem([KernelH, KernelW], [StrideH, StrideW], [PadTop, PadLeft, PadBottom, PadRight], [DilationH, DilationW]);

    private static string? Problem(double[] kernel, double[] stride, double[] pads, double[] dilation) =>
        Ranges.Problem("kernel", kernel, 1, Ranges.MaxExtent)
        ?? Ranges.Problem("stride", stride, 1, Ranges.MaxExtent)
        ?? Ranges.Problem("dilation", dilation, 1, Ranges.MaxExtent)
        ?? Ranges.Problem("pads", pads, 0, Ranges.MaxExtent)
        ?? PadProblem(pads, [(kernel[0] - 1) * dilation[0] + 1, (kernel[1] - 1) * dilation[1] + 1], dilation.Any(d => d != 1));

    private static string? PadProblem(double[] pads, double[] side, bool dilated) =>
        pads[0] >= side[0] || pads[2] >= side[0] || pads[1] >= side[1] || pads[3] >= side[1]
            ? $"attribute 'pads' is {Ranges.Format(pads)}; expected each pad below its {(dilated ? "dilated " : "")}kernel side " +
              $"({side[0]} for top and bottom, {side[1]} for left and right)"
            : null;

    /// <summary>
    /// A stored pool's settings, every value checked (<see cref="Problem()"/>) before it becomes an int; the
    /// dilation only where <paramref name="dilates"/> (a max pool).
    /// </summary>
    internal static Pool2dSettings Read(OpNode node, bool dilates = false)
    {
        var (kernel, stride, pads) = (node.Values("kernel", 2), node.Values("stride", 2, 1), node.Values("pads", 4, 0));
        double[] dilation = dilates ? node.Values("dilation", 2, 1) : [1, 1];
        node.Require(Problem(kernel, stride, pads, dilation));
        return new Pool2dSettings((int)kernel[0], (int)kernel[1], (int)stride[0], (int)stride[1], (int)pads[0], (int)pads[1], (int)pads[2],
            (int)pads[3], node.Flag("ceil", false), (int)dilation[0], (int)dilation[1]);
    }

    internal Pool2dGeometry Geometry(IReadOnlyList<int> input, IReadOnlyList<int> output, bool countIncludePad = true) => new()
    {
        N = input[0],
        C = input[1],
        H = input[2],
        W = input[3],
        OutH = output[2],
        OutW = output[3],
        KernelH = KernelH,
        KernelW = KernelW,
        StrideH = StrideH,
        StrideW = StrideW,
        DilationH = DilationH,
        DilationW = DilationW,
        PadTop = PadTop,
        PadLeft = PadLeft,
        PadBottom = PadBottom,
        PadRight = PadRight,
        CountIncludePad = countIncludePad ? 1 : 0,
    };

    private static int FloorDiv(int a, int b) => a >= 0 ? a / b : -((-a + b - 1) / b);
}

/// <summary>
/// Geometry of one 2-D pooling launch, passed to the kernels by value.
/// </summary>
internal struct Pool2dGeometry
{
    public int N, C, H, W, OutH, OutW;
    public int KernelH, KernelW, StrideH, StrideW;

    /// <summary>Max pooling only: the spacing of a window's taps (1: adjacent).</summary>
    public int DilationH, DilationW;

    /// <summary>Padding before (top, left) and after (bottom, right) the input.</summary>
    public int PadTop, PadLeft, PadBottom, PadRight;

    /// <summary>Average pooling only: 1 to divide by the padded window, 0 by the valid part.</summary>
    public int CountIncludePad;

    /// <summary>The first output row (or column) whose window covers input index <paramref name="i"/> (<paramref name="pad"/>: the leading padding).</summary>
    public static int FirstWindow(int i, int kernel, int stride, int pad)
    {
        var reach = i + pad - kernel + 1;
        return reach <= 0 ? 0 : (reach + stride - 1) / stride;
    }

    /// <summary>The first tap of a window starting at <paramref name="start"/> (negative: in the leading padding) that lies inside the input.</summary>
    public static int FirstTap(int start, int dilation) => start >= 0 ? 0 : (dilation - 1 - start) / dilation;

    /// <summary>One past the last tap of a <paramref name="kernel"/>-tap window starting at <paramref name="start"/> that lies inside an input of <paramref name="size"/>.</summary>
    public static int TapEnd(int start, int kernel, int dilation, int size)
    {
        if (start >= size) return 0;
        var inside = (size - start + dilation - 1) / dilation;
        return inside < kernel ? inside : kernel;
    }

    /// <summary>The last output row (or column) whose window covers input index <paramref name="i"/> (<paramref name="pad"/>: the leading padding).</summary>
    public static int LastWindow(int i, int stride, int pad, int outputs)
    {
        var last = (i + pad) / stride;
        return last < outputs - 1 ? last : outputs - 1;
    }
}
