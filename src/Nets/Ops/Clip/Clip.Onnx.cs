namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Clip: bounds from attributes before opset 11, from constant inputs after.</summary>
internal sealed partial class OnnxOps
{
    internal void Clip(Value?[] inputs)
    {
        var x = Computed(inputs[0]);
        var draft = new Draft("Clip", _node, [x], ShapeOf(x));
        if (_opset < 11)
        {
            _attributes.OnlyThese("min", "max");
            if (_attributes.Has("min")) draft.Attributes["min"] = [_attributes.Float("min", 0)];
            if (_attributes.Has("max")) draft.Attributes["max"] = [_attributes.Float("max", 0)];
        }
        else
        {
            _attributes.OnlyThese();
            if (inputs.ElementAtOrDefault(1) is { } min) draft.Attributes["min"] = [Constant(min, "the minimum").Scalar("the minimum")];
            if (inputs.ElementAtOrDefault(2) is { } max) draft.Attributes["max"] = [Constant(max, "the maximum").Scalar("the maximum")];
        }
        if (draft.Attributes.GetValueOrDefault("min") is [var low] && draft.Attributes.GetValueOrDefault("max") is [var high] && !(low <= high))
            throw new OnnxException($"the minimum {low:G} exceeds the maximum {high:G}");
        Emit(draft);
    }
}
