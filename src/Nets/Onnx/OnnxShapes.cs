namespace DeepVis.Nets.Onnx;

/// <summary>
/// Per-item output shapes ([C, H, W] or [F]) of the imported ops, from the declared input shape: what
/// auto_pad and the folding of Shape chains need. The network checks them again when it is built.
/// </summary>
internal static class OnnxShapes
{
    /// <summary>Output side of a convolution or pool; ceil_mode as ONNX and PyTorch: the last window starts inside the input or its leading pad.</summary>
    public static int Side(int input, int kernel, int stride, int padBegin, int padEnd, int dilation, bool ceil)
    {
        var span = input + padBegin + padEnd - dilation * (kernel - 1) - 1;
        if (span < 0) throw new OnnxException($"a {kernel}-wide window does not fit an input of side {input} padded by {padBegin}+{padEnd}");
        var side = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceil && (side - 1) * stride >= input + padBegin) side--;
        return side;
    }

    /// <summary>SAME_UPPER / SAME_LOWER pads [begin, end] for one axis: the output side is ceil(input / stride).</summary>
    public static (int Begin, int End) Same(int input, int kernel, int stride, int dilation, bool upper)
    {
        var output = (input + stride - 1) / stride;
        var total = Math.Max((output - 1) * stride + dilation * (kernel - 1) + 1 - input, 0);
        return upper ? (total / 2, total - total / 2) : (total - total / 2, total / 2);
    }

    public static int Count(int[] shape) => shape.Aggregate(1, (a, b) => a * b);
}
