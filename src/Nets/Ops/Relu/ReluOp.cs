using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>ReLU (stored and ONNX Relu).</summary>
internal static class ReluOp
{
    public static Op Declaration { get; } = new("Relu", [typeof(Relu)], typeof(ReluLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Relu"] = new("", node => node.Stateless(() => new ReluLayer())) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Relu"] = (ops, x) => ops.Simple("Relu", x) },
    };
}
