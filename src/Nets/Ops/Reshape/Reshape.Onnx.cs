namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Reshape, Squeeze and Unsqueeze of a computed value: the batch kept, the item reshaped.</summary>
internal sealed partial class OnnxOps
{
    /// <summary>A Reshape that keeps the batch: to [N, -1] a Flatten, to the same shape nothing, else a Reshape of the item.</summary>
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
        var allowZero = _attributes.Int("allowzero", 0) != 0;
        // The first entry must be the batch: open (from Shape), 0 (copied), the declared batch size, or -1 with the rest fixed.
        var batchFirst = dims.Length > 0 && (dims[0] is null || (dims[0] == 0 && !allowZero) || dims[0] == _batch || (dims[0] == -1 && rest.All(d => d > 0)));
        if (batchFirst && rest.All(d => d is not null) && rest.Count(d => d == -1) <= 1)
        {
            var itemDims = rest.Select((d, i) => d == 0 && !allowZero && i < item.Length ? item[i] : (int)d!.Value).ToArray();
            var known = OnnxShapes.Count([.. itemDims.Where(d => d != -1)]);
            itemDims = [.. itemDims.Select(d => d == -1 && known > 0 ? count / known : d)];
            if (OnnxShapes.Count(itemDims) == count && itemDims.All(d => d > 0))
            {
                ReshapeTo(x, item, itemDims);
                return;
            }
        }
        throw new OnnxException($"reshapes item shape [{string.Join(", ", item)}] to [{string.Join(", ", dims.Select(d => d?.ToString() ?? "N"))}]; DeepVis reshapes only what follows the batch axis, which stays first");
    }

    internal void Squeeze(Value?[] inputs)
    {
        _attributes.OnlyThese("axes");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var axes = ReshapeAxes(inputs, item.Length + 1);
        if (axes.FirstOrDefault(a => item[a - 1] != 1) is > 0 and var wide)
            throw new OnnxException($"squeezes axis {wide} of side {item[wide - 1]}; only axes of side 1 can be squeezed");
        var removed = axes.Length == 0 ? [.. Enumerable.Range(1, item.Length).Where(a => item[a - 1] == 1)] : axes.ToHashSet();
        ReshapeTo(x, item, [.. item.Where((_, i) => !removed.Contains(i + 1))]);
    }

    internal void Unsqueeze(Value?[] inputs)
    {
        _attributes.OnlyThese("axes");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var axes = ReshapeAxes(inputs, item.Length + 1 + (_opset >= 13 ? Constant(inputs.ElementAtOrDefault(1), "axes").Count : _attributes.Ints("axes").Length));
        if (axes.Length == 0) throw new OnnxException("it names no axis to insert");
        var shape = new List<int>();
        for (int d = 1, k = 0; d < item.Length + 1 + axes.Length; d++) shape.Add(axes.Contains(d) ? 1 : item[k++]);
        ReshapeTo(x, item, [.. shape]);
    }

    /// <summary>The axes of Squeeze or Unsqueeze (attribute before opset 13, input after) in a rank-<paramref name="rank"/> shape; the batch axis is refused.</summary>
    private int[] ReshapeAxes(Value?[] inputs, int rank)
    {
        var given = _opset >= 13
            ? inputs.ElementAtOrDefault(1) is { } a ? Constant(a, "axes").AsIntegers().Select(v => v ?? 0).ToArray() : []
            : _attributes.IntsOrNull("axes") ?? [];
        var axes = given.Select(v => v < 0 ? v + rank : v).ToArray();
        for (var k = 0; k < axes.Length; k++)
            if (axes[k] <= 0 || axes[k] >= rank)
                throw new OnnxException($"axis {given[k]} is {(axes[k] == 0 ? "the batch axis" : $"outside a rank-{rank} tensor")}; DeepVis reshapes only what follows the batch axis");
        return [.. axes.Select(v => (int)v)];
    }

    /// <summary>Emits the reshape of <paramref name="x"/>'s items to <paramref name="to"/>: nothing when the shape stays, a Flatten to one axis.</summary>
    private void ReshapeTo(int x, int[] item, int[] to)
    {
        if (to.SequenceEqual(item)) Output(new NodeValue(x));
        else if (to.Length == 1) Emit(new Draft("Flatten", _node, [x], to));
        else
        {
            var draft = new Draft("Reshape", _node, [x], to);
            draft.Attributes["shape"] = [.. to.Select(d => (double)d)];
            Emit(draft);
        }
    }
}
