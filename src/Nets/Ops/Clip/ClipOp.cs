using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Clip to [min, max]: ReLU6, hardtanh (stored and ONNX Clip).</summary>
internal static class ClipOp
{
    public static Op Declaration { get; } = new("Clip", [typeof(Clip)], typeof(ClipLayer))
    {
        Stored = new Dictionary<string, StoredForm> { ["Clip"] = new("min [a], max [b]", Spec) },
        Onnx = new Dictionary<string, OnnxMapping> { ["Clip"] = (ops, x) => ops.Clip(x) },
    };

    private static LayerSpec Spec(OpNode node)
    {
        // Either bound may be absent (unbounded) or infinite; NaN is refused by Number.
        var min = (float)node.Number("min", float.NegativeInfinity);
        var max = (float)node.Number("max", float.PositiveInfinity);
        if (!(min <= max)) throw node.Refuse($"attribute 'min' is {min:G} and 'max' {max:G}; expected min at most max");
        return node.Stateless(() => new ClipLayer(min, max));
    }
}
