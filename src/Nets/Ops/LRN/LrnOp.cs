using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Local response normalization (stored and ONNX LRN).</summary>
internal static class LrnOp
{
    public static Op Declaration { get; } = new("LRN", [typeof(LocalResponseNorm)], typeof(LocalResponseNormLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["LRN"] = new("size, alpha, beta, bias", Spec) },
        Onnx = new Dictionary<string, OnnxMapping> { ["LRN"] = (ops, x) => ops.Lrn(x) },
    };

    private static LayerSpec Spec(OpNode node)
    {
        float Finite(string name, double fallback) =>
            (float)node.Number(name, fallback, v => float.IsFinite((float)v), "a finite number");
        var settings = new LocalResponseNormSettings(node.Int("size", 1, Ranges.MaxExtent), Finite("alpha", 1e-4), Finite("beta", 0.75),
            Finite("bias", 1));
        return node.Stateless(() => new LocalResponseNormLayer(settings));
    }
}
