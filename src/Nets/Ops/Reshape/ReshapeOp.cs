using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Another item shape for the same elements (stored Reshape; ONNX Reshape, Squeeze, Unsqueeze of a computed value).</summary>
internal static class ReshapeOp
{
    public static Op Declaration { get; } = new("Reshape", [typeof(Reshape)], typeof(ReshapeLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Reshape"] = new("shape [d1, .., dk] (the item's sides, each 1..2^31-1, at most 7)", Spec) },
        Onnx = new Dictionary<string, OnnxMapping>
        {
            ["Reshape"] = (ops, x) => ops.Reshape(x),
            ["Squeeze"] = (ops, x) => ops.Squeeze(x),
            ["Unsqueeze"] = (ops, x) => ops.Unsqueeze(x),
        },
        CopiesOnly = true,
    };

    private static LayerSpec Spec(OpNode node)
    {
        var count = node.Node.Attributes?.GetValueOrDefault("shape")?.Length ?? 0;
        if (count is 0 or > 7) throw node.Refuse($"attribute 'shape' has {count} values; expected 1 to 7 item sides");
        var item = node.Ints("shape", count, 1, int.MaxValue);
        return node.Stateless(() => new ReshapeLayer(item));
    }
}
