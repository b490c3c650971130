using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Permuted axes (stored Transpose and ChannelShuffle; ONNX Transpose of a computed value).</summary>
internal static class TransposeOp
{
    public static Op Declaration { get; } = new("Transpose", [typeof(Transpose)], typeof(TransposeLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["ChannelShuffle"] = new("groups [1..65536]", node =>
            {
                var groups = node.Int("groups", 1, 65536);
                return node.Stateless(() => TransposeLayer.ChannelShuffle(groups));
            }),
            ["Transpose"] = new("perm [0, p1, .., pk] (a permutation keeping the batch first, at most 6 axes)", Spec),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["Transpose"] = (ops, x) => ops.Transpose(x) },
    };

    private static LayerSpec Spec(OpNode node)
    {
        var count = node.Node.Attributes?.GetValueOrDefault("perm")?.Length ?? 0;
        var perm = node.Ints("perm", count, 0, Transpose.MaxRank - 1);
        node.Require(Transpose.Problem(perm.Length, perm) is { } problem ? $"attribute 'perm': {problem}" : null);
        return node.Stateless(() => new TransposeLayer(perm));
    }
}
