using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>ReduceMean and ReduceMax over axes of the batched tensor, with keepdims (stored and ONNX, axes as an attribute or an input).</summary>
internal static class ReduceOp
{
    private const string Attributes = "axes [a ...] (distinct, from 1 to 3: the batch axis 0 is not reduced), keepdims [0|1] (default 1)";

    public static Op Declaration { get; } = new("Reduce", [typeof(Reduce)], typeof(ReduceLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["ReduceMean"] = new(Attributes, node => Spec(node, ReduceKind.Mean)),
            ["ReduceMax"] = new(Attributes, node => Spec(node, ReduceKind.Max)),
        },
        Onnx = new Dictionary<string, OnnxMapping>
        {
            ["ReduceMean"] = (ops, x) => ops.Reduce(ReduceKind.Mean, x),
            ["ReduceMax"] = (ops, x) => ops.Reduce(ReduceKind.Max, x),
        },
    };

    /// <summary>What is wrong with the axes, or null.</summary>
    public static string? Problem(IReadOnlyList<double> axes) =>
        axes.Count == 0 ? "attribute 'axes' is empty; expected at least one axis from 1 to 3"
        : Ranges.Problem("axes", axes, 1, Broadcast.MaxRank - 1)
          ?? (axes.Distinct().Count() != axes.Count ? $"attribute 'axes' is {Ranges.Format(axes)}; expected distinct axes" : null);

    private static LayerSpec Spec(OpNode node, ReduceKind kind)
    {
        var axes = node.Node.Attributes?.GetValueOrDefault("axes") ?? throw node.Refuse($"lacks attribute 'axes'; {node.Node.Op} takes {Attributes}");
        node.Require(Problem(axes));
        var keep = node.Flag("keepdims", true);
        int[] sorted = [.. axes.Select(a => (int)a).Order()];
        return node.Stateless(() => new ReduceLayer(kind, sorted, keep));
    }
}
