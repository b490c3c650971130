using DeepVis.Kernels.Runtime;

namespace DeepVis.Kernels.Layers;

/// <summary>
/// Window settings shared by <see cref="MaxPool2d"/> and <see cref="AvgPool2d"/>, per axis (H then W),
/// with PyTorch's meaning: padding on both sides, and <see cref="CeilMode"/> rounding the output size
/// up (the last window must still start inside the input or its left padding).
/// </summary>
public readonly record struct Pool2dSettings(
    int KernelH, int KernelW, int StrideH, int StrideW, int PadH, int PadW, bool CeilMode = false)
{
    /// <summary>A square window with the same stride and padding on both axes.</summary>
    public Pool2dSettings(int kernel, int stride, int padding = 0, bool ceilMode = false)
        : this(kernel, kernel, stride, stride, padding, padding, ceilMode)
    {
    }

    /// <summary>The output shape [N, C, OH, OW] for an NCHW input shape; throws when a setting or the input does not fit.</summary>
    public int[] OutputShape(string what, IReadOnlyList<int> input)
    {
        Validate(what);
        if (input.Count != 4)
            throw new ShapeException($"{what} input: expected a rank-4 tensor, got shape {Tensor.Format(input)}");
        var outH = OutputSize(input[2], KernelH, StrideH, PadH, CeilMode);
        var outW = OutputSize(input[3], KernelW, StrideW, PadW, CeilMode);
        if (outH < 1 || outW < 1)
            throw new ShapeException(
                $"{what} input: shape {Tensor.Format(input)} is too small for a {KernelH}x{KernelW} window with padding " +
                $"{PadH}x{PadW}: the output would be {Tensor.Format([input[0], input[1], outH, outW])}");
        return [input[0], input[1], outH, outW];
    }

    /// <summary>
    /// PyTorch's pooling_output_shape (dilation 1): floor((in + 2p - k) / s) + 1, or with ceil mode the
    /// ceiling, less one when that last window would start at or past the end of input plus left padding.
    /// </summary>
    public static int OutputSize(int input, int kernel, int stride, int padding, bool ceilMode)
    {
        var span = input + 2 * padding - kernel + (ceilMode ? stride - 1 : 0);
        var size = FloorDiv(span, stride) + 1;
        if (ceilMode && (size - 1) * stride >= input + padding) size--;
        return size;
    }

    /// <summary>Rejects non-positive kernels or strides and padding beyond half the kernel (as PyTorch does).</summary>
    public void Validate(string what)
    {
        if (KernelH < 1 || KernelW < 1)
            throw new ArgumentException($"{what}: kernel size must be positive, got {KernelH}x{KernelW}");
        if (StrideH < 1 || StrideW < 1)
            throw new ArgumentException($"{what}: stride must be positive, got {StrideH}x{StrideW}");
        if (PadH < 0 || PadW < 0)
            throw new ArgumentException($"{what}: padding must not be negative, got {PadH}x{PadW}");
        if (PadH > KernelH / 2 || PadW > KernelW / 2)
            throw new ArgumentException(
                $"{what}: padding should be at most half of the kernel size, got padding {PadH}x{PadW} for kernel {KernelH}x{KernelW}");
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
        PadH = PadH,
        PadW = PadW,
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
    public int KernelH, KernelW, StrideH, StrideW, PadH, PadW;

    /// <summary>Average pooling only: 1 to divide by the padded window, 0 by the valid part.</summary>
    public int CountIncludePad;

    /// <summary>The first output row (or column) whose window covers input index <paramref name="i"/>.</summary>
    public static int FirstWindow(int i, int kernel, int stride, int pad)
    {
        var reach = i + pad - kernel + 1;
        return reach <= 0 ? 0 : (reach + stride - 1) / stride;
    }

    /// <summary>The last output row (or column) whose window covers input index <paramref name="i"/>.</summary>
    public static int LastWindow(int i, int stride, int pad, int outputs)
    {
        var last = (i + pad) / stride;
        return last < outputs - 1 ? last : outputs - 1;
    }
}
