using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Average pooling (stored and ONNX AveragePool; a zero Pad before it counts as its padding).</summary>
internal static class AveragePoolOp
{
    public static Op Declaration { get; } = new("AveragePool", [typeof(AvgPool2d)], typeof(AvgPool2dLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["AveragePool"] = new(Pool2dSettings.Attributes + ", count_include_pad [0|1]", node =>
            {
                var settings = Pool2dSettings.Read(node);
                var countPad = node.Flag("count_include_pad", false);
                return node.Stateless(() => new AvgPool2dLayer(settings, countPad));
            }),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["AveragePool"] = (ops, x) => ops.Pool("AveragePool", x) },
    };
}
