using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Padding (stored Pad, ONNX Pad); a zero Pad read only by a Conv or AveragePool becomes their pads instead.</summary>
internal static class PadOp
{
    public static Op Declaration { get; } = new("Pad", [typeof(Pad2d)], typeof(PadLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["Pad"] = new("pads [top, left, bottom, right], mode [0 constant | 1 reflect | 2 edge], value [v] (finite, default 0)", Spec),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["Pad"] = (ops, x) => ops.Pad(x) },
    };

    private static LayerSpec Spec(OpNode node)
    {
        var pads = node.Ints("pads", 4, 0, Ranges.MaxExtent);
        var mode = (PadMode)node.Int("mode", 0, 2, 0);
        var value = (float)node.Number("value", 0, v => double.IsFinite(v) && Math.Abs(v) <= float.MaxValue, "a finite single-precision number");
        var settings = new Pad2dSettings(pads[0], pads[1], pads[2], pads[3], mode, value);
        return node.Stateless(() => new PadLayer(settings));
    }
}
