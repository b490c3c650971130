namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Conv, taking a zero Pad before it as its own pads.</summary>
internal sealed partial class OnnxOps
{
    internal void Conv(Value?[] inputs)
    {
        _attributes.OnlyThese("kernel_shape", "strides", "dilations", "pads", "auto_pad", "group");
        var (x, padding) = inputs[0] is PaddedValue p ? (p.Draft, p.Pads) : (Computed(inputs[0]), new int[4]);
        var shape = ShapeOf(x);
        if (shape.Length != 3) throw new OnnxException($"its input has item shape [{string.Join(", ", shape)}]; Conv takes [C, H, W]");
        var weight = Constant(inputs.ElementAtOrDefault(1), "the weight");
        var groupAttribute = _attributes.Int("group", 1);
        if (Ranges.Problem("group", 1, int.MaxValue, groupAttribute) is { } groups) throw new OnnxException(groups);
        var group = (int)groupAttribute;
        if (weight.Shape.Length != 4 || weight.Shape[1] * group != shape[0] || weight.Shape[0] % group != 0)
            throw new OnnxException($"weight {weight.ShapeText} with group {group} does not fit {shape[0]} input channels; DeepVis runs 2-D convolutions, weight [out, in / group, kh, kw]");
        int[] padded = [shape[0], shape[1] + padding[0] + padding[2], shape[2] + padding[1] + padding[3]];
        var (k, s, d, pads) = Window(padded, [weight.Shape[2], weight.Shape[3]]);
        if (_attributes.IntsOrNull("kernel_shape") is { } declared && !declared.SequenceEqual([k[0], k[1]]))
            throw new OnnxException($"kernel_shape [{string.Join(", ", declared)}] disagrees with the weight {weight.ShapeText}");
        pads = [.. pads.Zip(padding, (a, b) => a + b)];
        if (ConvOp.Problem(k[0], k[1], new Conv2dSettings(s[0], s[1], pads[0], pads[1], pads[2], pads[3], d[0], d[1], group)) is { } problem)
            throw new OnnxException(problem);
        int[] output = [weight.Shape[0], OnnxShapes.Side(shape[1], k[0], s[0], pads[0], pads[2], d[0], false), OnnxShapes.Side(shape[2], k[1], s[1], pads[1], pads[3], d[1], false)];
        var draft = new Draft("Conv", _node, [x], output);
        draft.Attributes["kernel"] = D(k);
        draft.Attributes["stride"] = D(s);
        draft.Attributes["pads"] = D(pads);
        draft.Attributes["dilation"] = D(d);
        draft.Tensors["weight"] = weight;
        if (inputs.ElementAtOrDefault(2) is { } bias)
        {
            var b = Constant(bias, "the bias");
            draft.Tensors["bias"] = b.Count == weight.Shape[0] ? b with { Shape = [b.Count] } : throw new OnnxException($"bias {b.ShapeText} does not fit {weight.Shape[0]} output channels");
        }
        AutoPadNote(draft, s);
        Emit(draft);
    }
}
