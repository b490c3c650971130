using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Layer normalization (stored LayerNorm; ONNX LayerNormalization, and its opset-11/13 decomposition: LayerNormPattern).</summary>
internal static class LayerNormOp
{
    public static Op Declaration { get; } = new("LayerNorm", [typeof(LayerNorm)], typeof(LayerNormLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["LayerNorm"] = new("axis [1..6], count [1..6] (axes normalized from axis), epsilon (0, 1]", node =>
            {
                var axis = node.Int("axis", 1, 6);
                var count = node.Int("count", 1, 6, 1);
                var eps = node.Number("epsilon", 1e-5, v => LayerNorm.Problem(v) is null, "a number in (0, 1]");
                return new LayerNormSpec(node.Node.Address, node.Node.Aliases ?? [], axis, count, eps);
            }),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["LayerNormalization"] = (ops, x) => ops.LayerNormalization(x) },
    };
}
