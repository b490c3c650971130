using DeepVis.Nets.Layers;
using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Tanh (stored and ONNX Tanh).</summary>
internal static class TanhOp
{
    public static Op Declaration { get; } = new("Tanh", [typeof(Tanh)], typeof(UnaryFunctionLayer<Tanh>))
    {
        Stored = new Dictionary<string, StoredForm> { ["Tanh"] = new("", node => node.Stateless(() => new UnaryFunctionLayer<Tanh>(new Tanh(), "Tanh"))) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Tanh"] = (ops, x) => ops.Simple("Tanh", x) },
    };
}
