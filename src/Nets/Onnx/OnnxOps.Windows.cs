using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>Sliding-window ops: Conv, MaxPool, AveragePool, and the zero Pad they take as their own pads.</summary>
internal sealed partial class OnnxOps
{
    /// <summary>Kernel, strides, dilations and pads [top, left, bottom, right] of a convolution or pool, auto_pad resolved for the input size.</summary>
    private (int[] Kernel, int[] Strides, int[] Dilations, int[] Pads) Window(int[] input, int[]? kernel)
    {
        long[] Pair(string name, long fallback) => _attributes.IntsOrNull(name) is { } v
            ? v.Length == 2 ? v : throw new OnnxException($"attribute '{name}' has {v.Length} values; DeepVis runs 2-D {_node.OpType} only")
            : [fallback, fallback];
        int[] k = kernel ?? [.. Pair("kernel_shape", 0).Select(v => (int)v)];
        if (k.Any(v => v < 1)) throw new OnnxException("attribute 'kernel_shape' is missing or not positive");
        int[] s = [.. Pair("strides", 1).Select(v => (int)v)];
        int[] d = [.. Pair("dilations", 1).Select(v => (int)v)];
        var pads = _attributes.IntsOrNull("pads") is { } p
            ? p.Length == 4 && p.All(v => v >= 0) ? p.Select(v => (int)v).ToArray() : throw new OnnxException($"attribute 'pads' [{string.Join(", ", p)}] is not 4 non-negative values")
            : new int[4];
        var autoPad = _attributes.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET": break;
            case "VALID": pads = new int[4]; break;
            case "SAME_UPPER" or "SAME_LOWER":
                var (top, bottom) = OnnxShapes.Same(input[1], k[0], s[0], d[0], autoPad == "SAME_UPPER");
                var (left, right) = OnnxShapes.Same(input[2], k[1], s[1], d[1], autoPad == "SAME_UPPER");
                pads = [top, left, bottom, right];
                break;
            default: throw new OnnxException($"auto_pad '{autoPad}' is not supported; DeepVis honours NOTSET, VALID, SAME_UPPER and SAME_LOWER");
        }
        return (k, s, d, pads);
    }

    private static double[] D(params int[] values) => [.. values.Select(v => (double)v)];

    private void Conv(Value?[] inputs)
    {
        _attributes.OnlyThese("kernel_shape", "strides", "dilations", "pads", "auto_pad", "group");
        var (x, padding) = inputs[0] is PaddedValue p ? (p.Draft, p.Pads) : (Computed(inputs[0]), new int[4]);
        var shape = ShapeOf(x);
        if (shape.Length != 3) throw new OnnxException($"its input has item shape [{string.Join(", ", shape)}]; Conv takes [C, H, W]");
        var weight = Constant(inputs.ElementAtOrDefault(1), "the weight");
        var group = (int)_attributes.Int("group", 1);
        if (weight.Shape.Length != 4 || group < 1 || weight.Shape[1] * group != shape[0] || weight.Shape[0] % group != 0)
            throw new OnnxException($"weight {weight.ShapeText} with group {group} does not fit {shape[0]} input channels; DeepVis runs 2-D convolutions, weight [out, in / group, kh, kw]");
        int[] padded = [shape[0], shape[1] + padding[0] + padding[2], shape[2] + padding[1] + padding[3]];
        var (k, s, d, pads) = Window(padded, [weight.Shape[2], weight.Shape[3]]);
        if (_attributes.IntsOrNull("kernel_shape") is { } declared && !declared.SequenceEqual([k[0], k[1]]))
            throw new OnnxException($"kernel_shape [{string.Join(", ", declared)}] disagrees with the weight {weight.ShapeText}");
        pads = [.. pads.Zip(padding, (a, b) => a + b)];
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

    private void AutoPadNote(Draft draft, int[] strides)
    {
        var mode = _attributes.String("auto_pad", "NOTSET");
        if (mode.StartsWith("SAME") && strides.Any(v => v > 1))
            draft.Notes.Add($"auto_pad {mode} resolved for a {_inputShape[1]}x{_inputShape[2]} network input");
    }

    private void Pool(string op, Value?[] inputs)
    {
        var average = op == "AveragePool";
        _attributes.OnlyThese(average ? ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "count_include_pad"]
            : ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations", "storage_order"]);
        var countPad = _attributes.Int("count_include_pad", 0) != 0;
        int x;
        var padding = new int[4];
        if (inputs[0] is PaddedValue p && average)
        {
            // Zeros padded before the pool count in its averages: the same as count_include_pad over pool pads.
            if (!countPad && _attributes.IntsOrNull("pads") is { } own && own.Any(v => v != 0))
                throw new OnnxException("a Pad before an AveragePool that has pads of its own and count_include_pad 0 is not supported");
            (x, padding, countPad) = (p.Draft, p.Pads, true);
        }
        else x = Image(inputs[0]).Draft;
        var shape = ShapeOf(x);
        int[] padded = [shape[0], shape[1] + padding[0] + padding[2], shape[2] + padding[1] + padding[3]];
        var (k, s, d, pads) = Window(padded, null);
        if (d.Any(v => v != 1)) throw new OnnxException($"dilations [{string.Join(", ", d)}] are not supported; DeepVis pools without dilation");
        pads = [.. pads.Zip(padding, (a, b) => a + b)];
        var ceil = _attributes.Int("ceil_mode", 0) != 0;
        int[] output = [shape[0], OnnxShapes.Side(shape[1], k[0], s[0], pads[0], pads[2], 1, ceil), OnnxShapes.Side(shape[2], k[1], s[1], pads[1], pads[3], 1, ceil)];
        var draft = new Draft(op, _node, [x], output);
        draft.Attributes["kernel"] = D(k);
        draft.Attributes["stride"] = D(s);
        draft.Attributes["pads"] = D(pads);
        draft.Attributes["ceil"] = D(ceil ? 1 : 0);
        if (average) draft.Attributes["count_include_pad"] = D(countPad ? 1 : 0);
        AutoPadNote(draft, s);
        Emit(draft);
    }

    /// <summary>Zero padding of height and width only: kept as pads for the Conv or AveragePool that reads it.</summary>
    private void Pad(Value?[] inputs)
    {
        var x = Image(inputs[0]).Draft;
        long[] pads;
        double value;
        if (_opset < 11)
        {
            _attributes.OnlyThese("mode", "pads", "value");
            pads = _attributes.Ints("pads");
            value = _attributes.Float("value", 0);
        }
        else
        {
            _attributes.OnlyThese("mode");
            if (inputs.Length > 3) throw new OnnxException("the axes input is not supported; DeepVis pads height and width of [N, C, H, W]");
            pads = [.. Constant(inputs.ElementAtOrDefault(1), "the pads").AsIntegers().Select(p => p ?? -1)];
            value = inputs.ElementAtOrDefault(2) is { } v ? Constant(v, "the pad value").Scalar("the pad value") : 0;
        }
        var mode = _attributes.String("mode", "constant");
        if (mode != "constant" || value != 0 || pads.Length != 8 || pads.Any(p => p < 0) || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0)
            throw new OnnxException($"mode '{mode}', value {value}, pads [{string.Join(", ", pads)}] are not supported; DeepVis takes non-negative zero padding of H and W into the next Conv or AveragePool");
        Output(new PaddedValue(x, [(int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7]]));
    }
}
