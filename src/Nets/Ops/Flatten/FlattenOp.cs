using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>torch.flatten(x, 1) (stored Flatten; ONNX Flatten, and a Reshape to [N, -1]: Reshape.Onnx.cs).</summary>
internal static class FlattenOp
{
    public static Op Declaration { get; } = new("Flatten", [typeof(Flatten)], typeof(FlattenLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Flatten"] = new("", node => node.Stateless(() => new FlattenLayer())) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Flatten"] = (ops, x) => ops.Flatten(x) },
        CopiesOnly = true,
    };
}
