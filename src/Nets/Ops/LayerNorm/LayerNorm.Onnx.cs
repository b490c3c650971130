namespace DeepVis.Nets.Onnx;

/// <summary>ONNX LayerNormalization (opset 17, and the decomposition LayerNormPattern fuses into it): the axes from axis to the last.</summary>
internal sealed partial class OnnxOps
{
    internal void LayerNormalization(Value?[] inputs)
    {
        _attributes.OnlyThese("axis", "epsilon", "stash_type");
        if (_attributes.Int("stash_type", 1) != 1) throw new OnnxException($"attribute 'stash_type' is {_attributes.Int("stash_type", 1)}; DeepVis computes the statistics in float (1)");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var rank = item.Length + 1;
        var given = _attributes.Int("axis", -1);
        var axis = (int)(given < 0 ? given + rank : given);
        if (axis < 1 || axis >= rank)
            throw new OnnxException($"attribute 'axis' is {given}; DeepVis normalizes axes after the batch (1 to {rank - 1}, or -1 to {1 - rank})");
        var eps = _attributes.Float("epsilon", 1e-5);
        if (DeepVis.Ops.LayerNorm.Problem(eps) is { } problem) throw new OnnxException($"attribute 'epsilon': {problem}");
        var side = OnnxShapes.Count(item[(axis - 1)..]);
        var draft = new Draft("LayerNorm", _node, [x], item);
        draft.Attributes["axis"] = [axis];
        draft.Attributes["count"] = [rank - axis];
        draft.Attributes["epsilon"] = [eps];
        draft.Tensors["weight"] = Affine(inputs.ElementAtOrDefault(1), "Scale", side, 1f);
        draft.Tensors["bias"] = Affine(inputs.ElementAtOrDefault(2), "B", side, 0f);
        Emit(draft);
    }

    /// <summary>Scale or B as <paramref name="side"/> values: the constant (one value broadcast), or <paramref name="fallback"/> where it is absent.</summary>
    private static OnnxConstant Affine(Value? value, string what, int side, float fallback)
    {
        if (value is null) return OnnxConstant.Of([.. Enumerable.Repeat(fallback, side)], side);
        var values = Constant(value, what).AsFloats(what);
        return values.Length == side ? OnnxConstant.Of(values, side)
            : values.Length == 1 ? OnnxConstant.Of([.. Enumerable.Repeat(values[0], side)], side)
            : throw new OnnxException($"{what} has {values.Length} values; expected {side}, one per normalized element");
    }
}
