namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Flatten: at axis 1 a Flatten, past it a Reshape of the item (the batch stays its own axis).</summary>
internal sealed partial class OnnxOps
{
    internal void Flatten(Value?[] inputs)
    {
        _attributes.OnlyThese("axis");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var rank = item.Length + 1;
        var given = _attributes.Int("axis", 1);
        var axis = given < 0 ? given + rank : given;
        if (axis < 1 || axis > rank)
            throw new OnnxException($"axis {given} is {(axis == 0 ? "the batch axis" : $"outside a rank-{rank} tensor")}; DeepVis flattens from axis 1 to {rank} (the batch stays first)");
        // [N, d1 .. d(axis-1), d(axis) ..] becomes [N * d1 .. d(axis-1), rest] in ONNX; the same elements keep the batch as an axis of its own.
        var inner = OnnxShapes.Count(item[(int)(axis - 1)..]);
        ReshapeTo(x, item, axis == 1 ? [inner] : [OnnxShapes.Count(item[..(int)(axis - 1)]), inner]);
    }
}
