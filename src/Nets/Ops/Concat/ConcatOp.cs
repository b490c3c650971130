using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Concatenation along channels (stored and ONNX Concat).</summary>
internal static class ConcatOp
{
    public static Op Declaration { get; } = new("Concat", [typeof(Concat)], typeof(ConcatLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Concat"] = new("(channels)", node => node.Stateless(() => new ConcatLayer())) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Concat"] = (ops, x) => ops.Concat(x) },
    };
}
