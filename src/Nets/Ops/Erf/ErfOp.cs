using DeepVis.Nets.Layers;
using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>Erf, the error function (stored and ONNX Erf: PyTorch's exact GELU below opset 20 exports through it).</summary>
internal static class ErfOp
{
    public static Op Declaration { get; } = new("Erf", [typeof(Erf)], typeof(UnaryFunctionLayer<Erf>))
    {
        Stored = new Dictionary<string, StoredForm> { ["Erf"] = new("", node => node.Stateless(() => new UnaryFunctionLayer<Erf>(new Erf(), "Erf"))) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Erf"] = (ops, x) => ops.Simple("Erf", x) },
    };
}
