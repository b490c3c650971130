using DeepVis.Nets.Onnx;

namespace DeepVis.Ops;

/// <summary>
/// Softmax: its kernels serve class visualization; in graphs only a final ONNX Softmax is accepted, and
/// dropped (visualizations work on the logits), so it has no layer and no stored form.
/// </summary>
internal static class SoftmaxOp
{
    public static Op Declaration { get; } = new("Softmax", [typeof(Softmax)], null)
    {
        Onnx = new Dictionary<string, OnnxMapping> { ["Softmax"] = (ops, x) => ops.Softmax(x) },
    };
}
