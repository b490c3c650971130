using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Dropout at inference: the identity (stored and ONNX Dropout).</summary>
internal static class DropoutOp
{
    public static Op Declaration { get; } = new("Dropout", [typeof(Dropout)], typeof(DropoutLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Dropout"] = new("", node => node.Stateless(() => new DropoutLayer())) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Dropout"] = (ops, x) => ops.Dropout(x) },
        CopiesOnly = true,
    };
}
