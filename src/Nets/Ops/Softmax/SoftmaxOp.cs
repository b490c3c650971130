using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>
/// Softmax and LogSoftmax along an axis (stored, and ONNX Softmax and LogSoftmax). Class visualization
/// uses the kernels on logits; a graph's final Softmax over flat features is dropped on import
/// (visualizations work on the logits before it).
/// </summary>
internal static class SoftmaxOp
{
    private const string Attributes = "axis [a] (1 to the input's rank - 1, default 1), coerced [0|1] (over every axis from a on)";

    public static Op Declaration { get; } = new("Softmax", [typeof(Softmax)], typeof(SoftmaxLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["Softmax"] = new(Attributes, node => Spec(node, log: false)),
            ["LogSoftmax"] = new(Attributes, node => Spec(node, log: true)),
        },
        Onnx = new Dictionary<string, OnnxMapping>
        {
            ["Softmax"] = (ops, x) => ops.Softmax(x, log: false),
            ["LogSoftmax"] = (ops, x) => ops.Softmax(x, log: true),
        },
    };

    private static LayerSpec Spec(OpNode node, bool log)
    {
        var (axis, coerced) = (node.Int("axis", 1, MaxRank - 1, 1), node.Flag("coerced", false));
        return node.Stateless(() => new SoftmaxLayer(axis, coerced, log));
    }

    /// <summary>The largest tensor rank a stored axis may index (a tensor has at most [N, C, H, W] plus one).</summary>
    private const int MaxRank = 8;
}
