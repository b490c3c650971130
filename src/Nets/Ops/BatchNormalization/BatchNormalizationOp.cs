using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>BatchNorm2d at inference (stored and ONNX BatchNormalization).</summary>
internal static class BatchNormalizationOp
{
    public static Op Declaration { get; } = new("BatchNormalization", [typeof(BatchNorm2d)], typeof(BatchNormLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["BatchNormalization"] = new("eps [e]", Spec) },
        Onnx = new Dictionary<string, OnnxMapping> { ["BatchNormalization"] = (ops, x) => ops.BatchNorm(x) },
    };

    /// <summary>What is wrong with eps, or null: it must be positive and finite (1 / sqrt(var + eps) must exist).</summary>
    public static string? Problem(double eps) =>
        eps > 0 && double.IsFinite(eps) ? null : $"attribute 'eps' is {Ranges.Format([eps])}; expected a positive finite number";

    private static LayerSpec Spec(OpNode node)
    {
        var eps = node.Number("eps", 1e-5);
        node.Require(Problem(eps));
        return new BatchNormSpec(node.Node.Address, node.Node.Aliases ?? [], eps);
    }
}
