using DeepVis.Nets.Onnx;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Resizing (stored Resize, ONNX Resize and Upsample).</summary>
internal static class ResizeOp
{
    public static Op Declaration { get; } = new("Resize", [typeof(Resize2d)], typeof(ResizeLayer))
    {
        Stored = new Dictionary<string, StoredForm>
        {
            ["Resize"] = new("mode [0 nearest | 1 linear], coordinates [0 half_pixel | 1 align_corners | 2 asymmetric | 3 pytorch_half_pixel], " +
                "rounding [0 round_prefer_floor | 1 round_prefer_ceil | 2 floor | 3 ceil], scales [sh, sw] (positive) or size [oh, ow]", Spec),
        },
        Onnx = new Dictionary<string, OnnxMapping> { ["Resize"] = (ops, x) => ops.Resize(x), ["Upsample"] = (ops, x) => ops.Resize(x) },
    };

    private static LayerSpec Spec(OpNode node)
    {
        var (mode, coordinates, rounding) = ((ResizeMode)node.Int("mode", 0, 1, 0), (ResizeCoordinates)node.Int("coordinates", 0, 3, 0),
            (NearestRounding)node.Int("rounding", 0, 3, 0));
        Resize2dSettings settings;
        if (node.Node.Attributes?.ContainsKey("size") == true)
        {
            var size = node.Ints("size", 2, 1, Ranges.MaxExtent);
            settings = new(mode, coordinates, rounding, 0, 0, size[0], size[1]);
        }
        else
        {
            var scales = node.Values("scales", 2);
            if (scales.Any(s => !(s > 0 && s <= Ranges.MaxExtent)))
                throw node.Refuse($"attribute 'scales' is {Ranges.Format(scales)}; expected numbers above 0 and at most {Ranges.MaxExtent}");
            settings = new(mode, coordinates, rounding, scales[0], scales[1]);
        }
        return node.Stateless(() => new ResizeLayer(settings));
    }
}
