
namespace DeepVis.Nets.Onnx;

/// <summary>ONNX BatchNormalization at inference: the four tensors are constants.</summary>
internal sealed partial class OnnxOps
{
    internal void BatchNorm(Value?[] inputs)
    {
        _attributes.OnlyThese("epsilon", "momentum", "spatial", "training_mode");
        if (_attributes.Int("training_mode", 0) != 0 || _attributes.Int("spatial", 1) != 1)
            throw new OnnxException("training_mode 1 or spatial 0 is not supported; DeepVis runs BatchNormalization at inference, per channel");
        var (x, shape) = Image(inputs[0]);
        var draft = new Draft("BatchNormalization", _node, [x], shape);
        string[] names = ["weight", "bias", "running_mean", "running_var"];
        for (var k = 0; k < names.Length; k++)
        {
            var t = Constant(inputs.ElementAtOrDefault(k + 1), $"input {k + 1} ({names[k]})");
            draft.Tensors[names[k]] = t.Count == shape[0] ? t with { Shape = [t.Count] } : throw new OnnxException($"{names[k]} {t.ShapeText} does not fit {shape[0]} channels");
        }
        var eps = _attributes.Float("epsilon", 1e-5);
        if (BatchNormalizationOp.Problem(eps) is { } problem) throw new OnnxException(problem.Replace("'eps'", "'epsilon'"));
        draft.Attributes["eps"] = [eps];
        Emit(draft);
    }
}
