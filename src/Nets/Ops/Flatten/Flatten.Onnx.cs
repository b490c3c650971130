namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Flatten, and a Reshape that keeps the batch and flattens the rest.</summary>
internal sealed partial class OnnxOps
{
    internal void Flatten(Value?[] inputs)
    {
        _attributes.OnlyThese("axis");
        var x = Computed(inputs[0]);
        var axis = _attributes.Int("axis", 1);
        if (axis != 1 && axis != -ShapeOf(x).Length) throw new OnnxException($"axis {axis} is not supported; DeepVis flattens everything but the batch (axis 1)");
        Emit(new Draft("Flatten", _node, [x], [OnnxShapes.Count(ShapeOf(x))]));
    }

    /// <summary>A Reshape that keeps the batch and flattens the rest (x.view(n, -1)) is a Flatten; one that changes nothing is skipped.</summary>
    internal void Reshape(Value?[] inputs)
    {
        _attributes.OnlyThese("allowzero");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        if (inputs.ElementAtOrDefault(1) is not ConstValue target)
            throw new OnnxException("its target shape is computed from something other than constants and shapes; DeepVis folds Reshape only to a constant target");
        var dims = target.Constant.AsIntegers();
        var count = OnnxShapes.Count(item);
        var rest = dims.Skip(1).ToArray();
        // The first entry must be the batch: open (from Shape), 0 (copied), the declared batch size, or -1 with the rest fixed.
        var batchFirst = dims.Length > 0 && (dims[0] is null or 0 || dims[0] == _batch || (dims[0] == -1 && rest.All(d => d > 0)));
        if (batchFirst && rest.All(d => d is not null) && rest.Count(d => d == -1) <= 1)
        {
            var itemDims = rest.Select((d, i) => d == 0 && i < item.Length ? item[i] : (int)d!.Value).ToArray();
            var known = OnnxShapes.Count([.. itemDims.Where(d => d != -1)]);
            itemDims = [.. itemDims.Select(d => d == -1 && known > 0 ? count / known : d)];
            if (OnnxShapes.Count(itemDims) == count && itemDims.All(d => d > 0))
            {
                if (itemDims.SequenceEqual(item))
                {
                    Output(new NodeValue(x));
                    return;
                }
                if (itemDims.Length == 1)
                {
                    Emit(new Draft("Flatten", _node, [x], [count]));
                    return;
                }
            }
        }
        throw new OnnxException($"reshapes item shape [{string.Join(", ", item)}] to [{string.Join(", ", dims.Select(d => d?.ToString() ?? "N"))}]; DeepVis folds only a Reshape to [N, -1] (a flatten) or to the same shape");
    }
}
