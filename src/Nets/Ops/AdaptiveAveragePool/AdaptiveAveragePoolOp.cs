using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>torchvision's adaptive average pool (stored AdaptiveAveragePool) and the global one (stored and ONNX GlobalAveragePool).</summary>
internal static class AdaptiveAveragePoolOp
{
    public static Op Declaration { get; } = new("AdaptiveAveragePool", [typeof(AdaptiveAvgPool2d)], typeof(AdaptiveAvgPool2dLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["GlobalAveragePool"] = new("", node => node.Stateless(() => new AdaptiveAvgPool2dLayer(1, 1))),
            ["AdaptiveAveragePool"] = new("size [h, w]", node =>
            {
                var size = node.Ints("size", 2, 1, Ranges.MaxExtent);
                return node.Stateless(() => new AdaptiveAvgPool2dLayer(size[0], size[1]));
            }),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["GlobalAveragePool"] = (ops, x) => ops.Simple("GlobalAveragePool", x, s => [s[0], 1, 1]) },
    };
}
