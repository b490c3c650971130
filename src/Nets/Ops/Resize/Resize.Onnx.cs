using DeepVis.Ops;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// ONNX Resize (opset 10 on) and Upsample of H and W, nearest or linear. Upsample and Resize-10 sample
/// asymmetrically and round down; Resize-11 on reads coordinate_transformation_mode (half_pixel,
/// align_corners, asymmetric, pytorch_half_pixel) and nearest_mode, and the scales or sizes input.
/// </summary>
internal sealed partial class OnnxOps
{
    internal void Resize(Value?[] inputs)
    {
        var legacy = _node.OpType == "Upsample" || _opset < 11;
        if (legacy) _attributes.OnlyThese("mode", "scales");
        else _attributes.OnlyThese("mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a", "exclude_outside", "extrapolation_value", "antialias",
            "keep_aspect_ratio_policy");
        var (x, item) = Image(inputs[0]);
        var modeName = _attributes.String("mode", "nearest");
        var mode = modeName switch
        {
            "nearest" => ResizeMode.Nearest,
            "linear" or "bilinear" => ResizeMode.Linear,
            _ => throw new OnnxException($"attribute 'mode' is '{modeName}'; DeepVis resizes in modes nearest and linear"),
        };
        var coordinates = ResizeCoordinates.Asymmetric;
        var rounding = NearestRounding.Floor;
        if (!legacy)
        {
            var coordinateName = _attributes.String("coordinate_transformation_mode", "half_pixel");
            coordinates = coordinateName switch
            {
                "half_pixel" => ResizeCoordinates.HalfPixel,
                "align_corners" => ResizeCoordinates.AlignCorners,
                "asymmetric" => ResizeCoordinates.Asymmetric,
                "pytorch_half_pixel" => ResizeCoordinates.PytorchHalfPixel,
                _ => throw new OnnxException($"attribute 'coordinate_transformation_mode' is '{coordinateName}'; DeepVis takes half_pixel, align_corners, asymmetric and pytorch_half_pixel"),
            };
            var roundingName = _attributes.String("nearest_mode", "round_prefer_floor");
            rounding = roundingName switch
            {
                "round_prefer_floor" => NearestRounding.RoundPreferFloor,
                "round_prefer_ceil" => NearestRounding.RoundPreferCeil,
                "floor" => NearestRounding.Floor,
                "ceil" => NearestRounding.Ceil,
                _ => throw new OnnxException($"attribute 'nearest_mode' is '{roundingName}'; DeepVis takes round_prefer_floor, round_prefer_ceil, floor and ceil"),
            };
            foreach (var name in new[] { "exclude_outside", "antialias" })
                if (_attributes.Int(name, 0) != 0) throw new OnnxException($"attribute '{name}' is {_attributes.Int(name, 0)}; DeepVis resizes with {name} 0");
            var policy = _attributes.String("keep_aspect_ratio_policy", "stretch");
            if (policy != "stretch") throw new OnnxException($"attribute 'keep_aspect_ratio_policy' is '{policy}'; DeepVis resizes with stretch");
        }

        // Upsample-7 has the scales as an attribute; Upsample-9 and Resize-10 as input 1; Resize-11 on as input 2, or sizes as input 3.
        double[]? scales = _attributes.Has("scales") ? [.. _attributes.Floats("scales")]
            : NonEmpty(inputs.ElementAtOrDefault(legacy ? 1 : 2), "the scales") is { } s ? [.. s.AsFloats("the scales").Select(v => (double)v)] : null;
        var sizes = legacy ? null : NonEmpty(inputs.ElementAtOrDefault(3), "the sizes")?.AsIntegers();
        Resize2dSettings settings;
        if (scales is not null)
        {
            if (scales.Length != 4 || scales[0] != 1 || scales[1] != 1)
                throw new OnnxException($"the scales are [{string.Join(", ", scales)}]; DeepVis resizes H and W of [N, C, H, W] (scales [1, 1, h, w])");
            settings = new(mode, coordinates, rounding, scales[2], scales[3]);
        }
        else if (sizes is not null)
        {
            if (sizes.Length != 4 || sizes[1] != item[0] || (_batch is { } n && sizes[0] != n) || sizes[2] is not (>= 1 and <= Ranges.MaxExtent) || sizes[3] is not (>= 1 and <= Ranges.MaxExtent))
                throw new OnnxException($"the sizes are [{string.Join(", ", sizes)}]; DeepVis resizes H and W of [N, {item[0]}, H, W] to 1 to {Ranges.MaxExtent}");
            settings = new(mode, coordinates, rounding, 0, 0, (int)sizes[2]!, (int)sizes[3]!);
        }
        else throw new OnnxException("neither scales nor sizes are given");

        int[] output;
        try
        {
            output = [.. settings.OutputShape([1, .. item]).Skip(1)];
        }
        catch (Exception e) when (e is ArgumentException or DeepVis.Kernels.Runtime.ShapeException)
        {
            throw new OnnxException(e.Message);
        }
        var draft = new Draft("Resize", _node, [x], output);
        draft.Attributes["mode"] = [(int)mode];
        draft.Attributes["coordinates"] = [(int)coordinates];
        draft.Attributes["rounding"] = [(int)rounding];
        if (settings.OutH > 0) draft.Attributes["size"] = [settings.OutH, settings.OutW];
        else draft.Attributes["scales"] = [settings.ScaleH, settings.ScaleW];
        Emit(draft);
    }

    /// <summary>An optional constant input: null when absent or empty (Resize's unused scales or sizes).</summary>
    private static OnnxConstant? NonEmpty(Value? value, string what) =>
        value is null ? null : Constant(value, what) is { Count: > 0 } c ? c : null;
}
