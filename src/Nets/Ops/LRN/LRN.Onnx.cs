
namespace DeepVis.Nets.Onnx;

/// <summary>ONNX LRN.</summary>
internal sealed partial class OnnxOps
{
    internal void Lrn(Value?[] inputs)
    {
        _attributes.OnlyThese("size", "alpha", "beta", "bias");
        var (x, shape) = Image(inputs[0]);
        var draft = new Draft("LRN", _node, [x], shape);
        if (!_attributes.Has("size")) throw new OnnxException("attribute 'size' is missing");
        var size = _attributes.Int("size", 0);
        if (Ranges.Problem("size", 1, Ranges.MaxExtent, size) is { } problem) throw new OnnxException(problem);
        draft.Attributes["size"] = [size];
        draft.Attributes["alpha"] = [_attributes.Float("alpha", 1e-4)];
        draft.Attributes["beta"] = [_attributes.Float("beta", 0.75)];
        draft.Attributes["bias"] = [_attributes.Float("bias", 1)];
        Emit(draft);
    }
}
