namespace DeepVis.Nets.Onnx;

/// <summary>ONNX HardSigmoid: alpha and beta (defaults 0.2 and 0.5) carried into the stored node.</summary>
internal sealed partial class OnnxOps
{
    internal void HardSigmoid(Value?[] inputs)
    {
        _attributes.OnlyThese("alpha", "beta");
        var x = Computed(inputs[0]);
        var draft = new Draft("HardSigmoid", _node, [x], ShapeOf(x));
        foreach (var (name, fallback) in new[] { ("alpha", 0.2), ("beta", 0.5) })
        {
            var value = _attributes.Float(name, fallback);
            if (!float.IsFinite((float)value)) throw new OnnxException($"attribute '{name}' is {DeepVis.Ops.Ranges.Format([value])}; expected a finite number");
            draft.Attributes[name] = [value];
        }
        Emit(draft);
    }
}
