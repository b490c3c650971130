namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Gelu (opset 20): its <c>approximate</c> attribute, none (the default) or tanh, carried into the stored node as 0 or 1.</summary>
internal sealed partial class OnnxOps
{
    internal void Gelu(Value?[] inputs)
    {
        _attributes.OnlyThese("approximate");
        var approximate = _attributes.String("approximate", "none");
        if (approximate is not ("none" or "tanh"))
            throw new OnnxException($"attribute 'approximate' is '{approximate}'; expected none or tanh");
        var x = Computed(inputs[0]);
        var draft = new Draft("Gelu", _node, [x], ShapeOf(x));
        draft.Attributes["approximate"] = [approximate == "tanh" ? 1 : 0];
        Emit(draft);
    }
}
