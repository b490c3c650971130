namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Slice, Split and Gather (constant indices) of a computed value: one Slice node per axis cut or per output.</summary>
internal sealed partial class OnnxOps
{
    internal void Slice(Value?[] inputs)
    {
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        long[] starts, ends, axes, steps;
        if (_opset >= 10)
        {
            _attributes.OnlyThese();
            starts = LayoutIntegers(inputs.ElementAtOrDefault(1), "starts");
            ends = LayoutIntegers(inputs.ElementAtOrDefault(2), "ends");
            axes = inputs.ElementAtOrDefault(3) is { } a ? LayoutIntegers(a, "axes") : [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = inputs.ElementAtOrDefault(4) is { } s ? LayoutIntegers(s, "steps") : [.. Enumerable.Repeat(1L, starts.Length)];
        }
        else
        {
            _attributes.OnlyThese("starts", "ends", "axes");
            (starts, ends) = (_attributes.Ints("starts"), _attributes.Ints("ends"));
            axes = _attributes.IntsOrNull("axes") ?? [.. Enumerable.Range(0, starts.Length).Select(i => (long)i)];
            steps = [.. Enumerable.Repeat(1L, starts.Length)];
        }
        if (ends.Length != starts.Length || axes.Length != starts.Length || steps.Length != starts.Length)
            throw new OnnxException($"starts, ends, axes and steps have {starts.Length}, {ends.Length}, {axes.Length} and {steps.Length} values; expected as many of each");
        var cuts = new List<(int Axis, int Start, int End, int Step)>();
        for (var k = 0; k < starts.Length; k++)
        {
            var axis = LayoutAxis(axes[k], item.Length + 1);
            if (steps[k] < 1) throw new OnnxException($"step {steps[k]} on axis {axes[k]} is not supported; DeepVis slices forward (step 1 or more)");
            if (axis == 0)
            {
                if (starts[k] == 0 && ends[k] >= int.MaxValue) continue;
                throw new OnnxException($"it slices the batch axis ({starts[k]} to {ends[k]}); DeepVis slices only the axes after it");
            }
            var side = item[axis - 1];
            int Clamp(long v) => (int)Math.Clamp(v < 0 ? v + side : v, 0, side);
            var (start, end) = (Clamp(starts[k]), Clamp(ends[k]));
            if (start == 0 && end == side && steps[k] == 1) continue;
            if (DeepVis.Ops.Slice.Count(side, start, end, (int)Math.Min(steps[k], int.MaxValue)) == 0)
                throw new OnnxException($"it takes no element of axis {axes[k]} (side {side}, {starts[k]} to {ends[k]})");
            cuts.Add((axis, start, end, (int)Math.Min(steps[k], int.MaxValue)));
        }
        if (cuts.Count == 0)
        {
            Output(new NodeValue(x));
            return;
        }
        for (var k = 0; k < cuts.Count; k++)
        {
            var (axis, start, end, step) = cuts[k];
            var draft = SliceDraft(x, axis, start, end, step, false, k == cuts.Count - 1 ? "" : $"_axis{axis}");
            if (k == cuts.Count - 1) Emit(draft);
            else
            {
                _drafts.Add(draft);
                x = _drafts.Count - 1;
            }
        }
    }

    /// <summary>Split into consecutive runs (sizes from the attribute before opset 13, the input after, else equal parts): a Slice node per output.</summary>
    internal void Split(Value?[] inputs)
    {
        _attributes.OnlyThese("axis", "split", "num_outputs");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var axis = LayoutAxis(_attributes.Int("axis", 0), item.Length + 1);
        if (axis == 0) throw new OnnxException("it splits the batch axis; DeepVis splits only the axes after it");
        var side = item[axis - 1];
        var outputs = _node.Output.Count;
        var given = _opset >= 13 ? inputs.ElementAtOrDefault(1) is { } s ? LayoutIntegers(s, "split") : null : _attributes.IntsOrNull("split");
        var part = (side + outputs - 1) / outputs;
        long[] sizes = given ?? [.. Enumerable.Range(0, outputs).Select(k => (long)Math.Min(part, side - k * part))];
        if (sizes.Length != outputs || sizes.Any(v => v < 1) || sizes.Sum() != side)
            throw new OnnxException($"split sizes [{string.Join(", ", sizes)}] do not cut axis {axis} of side {side} into {outputs} non-empty parts");
        var start = 0;
        for (var k = 0; k < outputs; k++)
        {
            var end = start + (int)sizes[k];
            _drafts.Add(SliceDraft(x, axis, start, end, 1, false, k == 0 ? "" : $"_{k}"));
            if (_node.Output[k].Length > 0) _values[_node.Output[k]] = new NodeValue(_drafts.Count - 1);
            start = end;
        }
    }

    /// <summary>Gather of constant indices along an axis after the batch: one index drops the axis, evenly spaced ones keep it.</summary>
    internal void Gather(Value?[] inputs)
    {
        _attributes.OnlyThese("axis");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var axis = LayoutAxis(_attributes.Int("axis", 0), item.Length + 1);
        if (axis == 0) throw new OnnxException("it gathers along the batch axis; DeepVis gathers only along the axes after it");
        var indices = Constant(inputs.ElementAtOrDefault(1), "indices");
        var side = item[axis - 1];
        var picks = LayoutIntegers(inputs[1], "indices").Select(i => i < 0 ? i + side : i).ToArray();
        if (picks.Any(i => i < 0 || i >= side)) throw new OnnxException($"an index of [{string.Join(", ", picks)}] is outside axis {axis} of side {side}");
        var step = picks.Length > 1 ? picks[1] - picks[0] : 1;
        if (indices.Shape.Length > 1 || picks.Length == 0 || step < 1 || picks.Where((p, k) => p != picks[0] + k * step).Any())
            throw new OnnxException($"indices {indices.ShapeText} [{string.Join(", ", picks.Take(8))}] are not one index or evenly increasing ones; DeepVis gathers a strided run");
        Emit(SliceDraft(x, axis, (int)picks[0], (int)(picks[^1] + 1), (int)step, indices.Shape.Length == 0, ""));
    }

    private Draft SliceDraft(int x, int axis, int start, int end, int step, bool squeeze, string suffix)
    {
        int[] shape = [.. ShapeOf(x)];
        shape[axis - 1] = DeepVis.Ops.Slice.Count(shape[axis - 1], start, end, step);
        var draft = new Draft("Slice", _node, [x], squeeze ? [.. shape.Where((_, d) => d != axis - 1)] : shape) { Suffix = suffix };
        draft.Attributes["axis"] = [axis];
        draft.Attributes["start"] = [start];
        draft.Attributes["end"] = [end];
        draft.Attributes["step"] = [step];
        if (squeeze) draft.Attributes["squeeze"] = [1];
        return draft;
    }

    private static long[] LayoutIntegers(Value? value, string what) =>
        [.. Constant(value, what).AsIntegers().Select(v => v ?? throw new OnnxException($"{what} depends on the batch size"))];

    private static int LayoutAxis(long axis, int rank) =>
        axis >= -rank && axis < rank ? (int)(axis < 0 ? axis + rank : axis) : throw new OnnxException($"axis {axis} is outside a rank-{rank} tensor");
}
