using DeepVis.Nets.Layers;
using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Sigmoid (stored and ONNX Sigmoid); the render parameterization squashes pixels with the same function.</summary>
internal static class SigmoidOp
{
    public static Op Declaration { get; } = new("Sigmoid", [typeof(Sigmoid)], typeof(UnaryFunctionLayer<Sigmoid>))
    {
        Stored = new Dictionary<string, StoredForm> { ["Sigmoid"] = new("", node => node.Stateless(() => new UnaryFunctionLayer<Sigmoid>(new Sigmoid(), "Sigmoid"))) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Sigmoid"] = (ops, x) => ops.Simple("Sigmoid", x) },
    };
}
