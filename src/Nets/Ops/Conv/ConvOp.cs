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
        Onnx = new Dictionary<string, OnnxMapping> { ["Conv"] = (ops, x) => ops.Conv(x), ["Pad"] = (ops, x) => ops.Pad(x) },
    };

    /// <summary>
    /// What is out of range in a convolution's geometry, or null: kernel, stride and dilation from 1,
    /// pads from 0, each at most <see cref="Ranges.MaxExtent"/>; groups at least 1.
    /// </summary>
    public static string? Problem(int kernelH, int kernelW, Conv2dSettings s) =>
        Ranges.Problem("kernel", 1, Ranges.MaxExtent, kernelH, kernelW)
        ?? Ranges.Problem("stride", 1, Ranges.MaxExtent, s.StrideH, s.StrideW)
        ?? Ranges.Problem("pads", 0, Ranges.MaxExtent, s.PadTop, s.PadLeft, s.PadBottom, s.PadRight)
        ?? Ranges.Problem("dilation", 1, Ranges.MaxExtent, s.DilationH, s.DilationW)
        ?? Ranges.Problem("groups", 1, int.MaxValue, s.Groups);

    private static LayerSpec Spec(OpNode node)
    {
        var kernel = node.Whole("kernel", 2);
        var stride = node.Whole("stride", 2, 1);
        var pads = node.Whole("pads", 4, 0);
        var dilation = node.Whole("dilation", 2, 1);
        var settings = new Conv2dSettings(stride[0], stride[1], pads[0], pads[1], pads[2], pads[3], dilation[0], dilation[1]);
        node.Require(Problem(kernel[0], kernel[1], settings));
        return new ConvSpec(node.Node.Address, node.Node.Aliases ?? [], kernel[0], kernel[1], settings, node.Flag("bias", true));
    }
}
