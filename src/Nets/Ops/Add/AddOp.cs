using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>The sum of two values of one shape: residual connections (stored Add; ONNX Add and Sum).</summary>
internal static class AddOp
{
    public static Op Declaration { get; } = new("Add", [typeof(Add)], typeof(AddLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Add"] = new("", node => node.Stateless(() => new AddLayer())) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Add"] = (ops, x) => ops.Add(x), ["Sum"] = (ops, x) => ops.Sum(x) },
    };
}
