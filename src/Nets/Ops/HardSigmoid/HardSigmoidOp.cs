using DeepVis.Nets.Layers;
using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>HardSigmoid, clamp(alpha x + beta, 0, 1) (stored and ONNX HardSigmoid).</summary>
internal static class HardSigmoidOp
{
    public static Op Declaration { get; } = new("HardSigmoid", [typeof(HardSigmoid)], typeof(UnaryFunctionLayer<HardSigmoid>))
    {
        Stored = new Dictionary<string, StoredForm> { ["HardSigmoid"] = new("alpha [a] (finite, default 0.2), beta [b] (finite, default 0.5)", Spec) },
        Onnx = new Dictionary<string, OnnxMapping> { ["HardSigmoid"] = (ops, x) => ops.HardSigmoid(x) },
        OnnxNotes = new Dictionary<string, string> { ["HardSigmoid"] = "alpha and beta finite as floats (defaults 0.2 and 0.5)" },
    };

    private static LayerSpec Spec(OpNode node)
    {
        // ONNX's defaults, so a stored node reads as the ONNX node it came from; finite in float, since
        // an infinite slope or offset turns every input into NaN or a constant.
        var alpha = (float)node.Number("alpha", 0.2, v => float.IsFinite((float)v), "a finite number");
        var beta = (float)node.Number("beta", 0.5, v => float.IsFinite((float)v), "a finite number");
        return node.Stateless(() => new UnaryFunctionLayer<HardSigmoid>(new HardSigmoid(alpha, beta), "Hardsigmoid", $"alpha {alpha:G}, beta {beta:G}"));
    }
}
