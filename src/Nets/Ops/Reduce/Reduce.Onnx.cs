using DeepVis.Ops;

namespace DeepVis.Nets.Onnx;

/// <summary>ONNX ReduceMean and ReduceMax: axes from the attribute (opsets up to 17) or the second input (18), keepdims.</summary>
internal sealed partial class OnnxOps
{
    internal void Reduce(ReduceKind kind, Value?[] inputs)
    {
        _attributes.OnlyThese("axes", "keepdims", "noop_with_empty_axes");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var rank = item.Length + 1;
        var listed = _attributes.IntsOrNull("axes") ?? (inputs.ElementAtOrDefault(1) is { } given ? Constant(given, "axes").AsIntegers().Select(a => a ?? 0).ToArray() : null);
        if (listed is null or [])
            throw new OnnxException(_attributes.Int("noop_with_empty_axes", 0) != 0
                ? "attribute 'noop_with_empty_axes' is 1 with no axes; DeepVis reduces over listed axes"
                : "has no axes, so it reduces the batch axis too; DeepVis reduces over axes of an item");
        var axes = listed.Select(a => a < 0 ? a + rank : a).ToArray();
        if (axes.Any(a => a < 1 || a >= rank) || axes.Distinct().Count() != axes.Length || rank > Broadcast.MaxRank)
            throw new OnnxException($"axes [{string.Join(", ", listed)}] of a [N, {string.Join(", ", item)}] input; DeepVis reduces distinct axes from 1 to {rank - 1} of at most {Broadcast.MaxRank}");
        var keep = _attributes.Int("keepdims", 1);
        if (keep is not (0 or 1)) throw new OnnxException($"attribute 'keepdims' is {keep}; expected 0 or 1");
        var shape = keep == 1 ? item.Select((d, k) => axes.Contains(k + 1) ? 1 : d).ToArray() : item.Where((_, k) => !axes.Contains(k + 1)).ToArray();
        var draft = new Draft(kind == ReduceKind.Mean ? "ReduceMean" : "ReduceMax", _node, [x], shape);
        draft.Attributes["axes"] = [.. axes.Order().Select(a => (double)a)];
        draft.Attributes["keepdims"] = [keep];
        Emit(draft);
    }
}
