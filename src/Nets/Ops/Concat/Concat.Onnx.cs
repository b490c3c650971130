namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Concat along channels.</summary>
internal sealed partial class OnnxOps
{
    internal void Concat(Value?[] inputs)
    {
        var xs = inputs.Select(i => Computed(i, "a concatenated value")).ToArray();
        var shapes = xs.Select(ShapeOf).ToArray();
        var rank = shapes[0].Length + 1;
        var axis = _attributes.Int("axis", 1);
        _attributes.OnlyThese("axis");
        if (axis != 1 && axis != 1 - rank) throw new OnnxException($"axis {axis} is not supported; DeepVis concatenates along channels (axis 1)");
        if (shapes.Any(s => s.Length != shapes[0].Length || !s.Skip(1).SequenceEqual(shapes[0].Skip(1))))
            throw new OnnxException("its inputs differ in more than their channels");
        Emit(new Draft("Concat", _node, xs, [shapes.Sum(s => s[0]), .. shapes[0].Skip(1)]));
    }
}
