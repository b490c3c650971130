using DeepVis.Nets.Layers;
using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>GELU in its exact or tanh form (stored Gelu, from torch's nn.GELU; ONNX Gelu, opset 20).</summary>
internal static class GeluOp
{
    public static Op Declaration { get; } = new("Gelu", [typeof(Gelu)], typeof(UnaryFunctionLayer<Gelu>))
    {
        Stored = new Dictionary<string, StoredForm> { ["Gelu"] = new("approximate [0 (none, erf) or 1 (tanh)] (default 0)", Spec) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Gelu"] = (ops, x) => ops.Gelu(x) },
        OnnxNotes = new Dictionary<string, string> { ["Gelu"] = "approximate: none (the default) or tanh; any other value is refused" },
    };

    private static LayerSpec Spec(OpNode node)
    {
        var tanh = node.Flag("approximate", false);
        return node.Stateless(() => new UnaryFunctionLayer<Gelu>(new Gelu(tanh ? GeluApproximation.Tanh : GeluApproximation.None), "GELU",
            tanh ? "approximate tanh" : ""));
    }
}
