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
        // Every value is checked before it is cast or used: a crafted file must not reach the kernels' index arithmetic.
        int[] Checked(string name, long[] values, int min) =>
            Ranges.Problem(name, [.. values.Select(v => (double)v)], min, Ranges.MaxExtent) is { } problem
                ? throw new OnnxException(problem) : [.. values.Select(v => (int)v)];
        if (kernel is null && !_attributes.Has("kernel_shape")) throw new OnnxException("attribute 'kernel_shape' is missing");
        if (kernel is not null && kernel.Any(v => v is < 1 or > Ranges.MaxExtent))
            throw new OnnxException($"the weight's kernel is {kernel[0]}x{kernel[1]}; expected sides from 1 to {Ranges.MaxExtent}");
        var k = kernel ?? Checked("kernel_shape", Pair("kernel_shape", 0), 1);
        var s = Checked("strides", Pair("strides", 1), 1);
        var d = Checked("dilations", Pair("dilations", 1), 1);
        var pads = _attributes.IntsOrNull("pads") is { } p
            ? p.Length == 4 ? Checked("pads", p, 0) : throw new OnnxException($"attribute 'pads' has {p.Length} values; DeepVis runs 2-D {_node.OpType} only (4 pads)")
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

    private void AutoPadNote(Draft draft, int[] strides)
    {
        var mode = _attributes.String("auto_pad", "NOTSET");
        if (mode.StartsWith("SAME") && strides.Any(v => v > 1))
            draft.Notes.Add($"auto_pad {mode} resolved for a {_inputShape[1]}x{_inputShape[2]} network input");
    }

    internal void Pool(string op, Value?[] inputs)
    {
        var average = op == "AveragePool";
        _attributes.OnlyThese(average ? ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "count_include_pad"]
            : ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations", "storage_order"]);
        var countPad = _attributes.Int("count_include_pad", 0) != 0;
        int x;
        var padding = new int[4];
        // Zeros padded before the pool count in its averages: the same as count_include_pad over pool pads,
        // unless the pool has pads of its own that must not count (then the Pad is a layer of its own).
        if (inputs[0] is PaddedValue p && average && (countPad || _attributes.IntsOrNull("pads") is not { } own || own.All(v => v == 0)))
            (x, padding, countPad) = (p.Draft, p.Pads, true);
        else x = Image(inputs[0]).Draft;
        var shape = ShapeOf(x);
        int[] padded = [shape[0], shape[1] + padding[0] + padding[2], shape[2] + padding[1] + padding[3]];
        var (k, s, d, pads) = Window(padded, null);
        pads = [.. pads.Zip(padding, (a, b) => a + b)];
        var ceil = _attributes.Int("ceil_mode", 0) != 0;
        if (new Pool2dSettings(k[0], k[1], s[0], s[1], pads[0], pads[1], pads[2], pads[3], ceil, d[0], d[1]).Problem() is { } problem)
            throw new OnnxException(problem);
        int[] output = [shape[0], OnnxShapes.Side(shape[1], k[0], s[0], pads[0], pads[2], d[0], ceil), OnnxShapes.Side(shape[2], k[1], s[1], pads[1], pads[3], d[1], ceil)];
        var draft = new Draft(op, _node, [x], output);
        draft.Attributes["kernel"] = D(k);
        draft.Attributes["stride"] = D(s);
        draft.Attributes["pads"] = D(pads);
        draft.Attributes["ceil"] = D(ceil ? 1 : 0);
        if (average) draft.Attributes["count_include_pad"] = D(countPad ? 1 : 0);
        else if (d.Any(v => v != 1)) draft.Attributes["dilation"] = D(d);
        AutoPadNote(draft, s);
        Emit(draft);
    }

}
