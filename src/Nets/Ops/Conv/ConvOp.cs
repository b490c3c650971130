using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>2-D convolution (stored as Conv; ONNX Conv, and a zero Pad before it).</summary>
internal static class ConvOp
{
    private const string Attributes = "kernel [kh, kw], stride [sh, sw], pads [top, left, bottom, right], dilation [dh, dw], bias [0|1]";

    public static Op Declaration { get; } = new("Conv", [typeof(Conv2d)], typeof(Conv2dLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Conv"] = new(Attributes, Spec) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Conv"] = (ops, x) => ops.Conv(x) },
    };

    /// <summary>
    /// What is out of range in a convolution's geometry, or null: kernel, stride and dilation from 1,
    /// pads from 0, each at most <see cref="Ranges.MaxExtent"/>; groups at least 1.
    /// </summary>
    public static string? Problem(int kernelH, int kernelW, Conv2dSettings s) =>
        Problem([kernelH, kernelW], [s.StrideH, s.StrideW], [s.PadTop, s.PadLeft, s.PadBottom, s.PadRight], [s.DilationH, s.DilationW])
        ?? Ranges.Problem("groups", 1, int.MaxValue, s.Groups);

    private static string? Problem(double[] kernel, double[] stride, double[] pads, double[] dilation) =>
        Ranges.Problem("kernel", kernel, 1, Ranges.MaxExtent)
        ?? Ranges.Problem("stride", stride, 1, Ranges.MaxExtent)
        ?? Ranges.Problem("pads", pads, 0, Ranges.MaxExtent)
        ?? Ranges.Problem("dilation", dilation, 1, Ranges.MaxExtent);

    private static LayerSpec Spec(OpNode node)
    {
        var (kernel, stride, pads, dilation) = (node.Values("kernel", 2), node.Values("stride", 2, 1), node.Values("pads", 4, 0), node.Values("dilation", 2, 1));
        node.Require(Problem(kernel, stride, pads, dilation));
        var settings = new Conv2dSettings((int)stride[0], (int)stride[1], (int)pads[0], (int)pads[1], (int)pads[2], (int)pads[3], (int)dilation[0], (int)dilation[1]);
        return new ConvSpec(node.Node.Address, node.Node.Aliases ?? [], (int)kernel[0], (int)kernel[1], settings, node.Flag("bias", true));
    }
}
