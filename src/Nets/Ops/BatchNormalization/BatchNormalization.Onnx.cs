
namespace DeepVis.Nets.Onnx;

/// <summary>ONNX BatchNormalization at inference: the four tensors are constants; legacy attributes that say "inference" are accepted.</summary>
internal sealed partial class OnnxOps
{
    internal void BatchNorm(Value?[] inputs)
    {
        // is_test (opsets 1-6) and consumed_inputs (opset 1) are legacy: the op at inference does not read them,
        // and runtimes run every BatchNormalization below opset 14 at inference unless told otherwise.
        _attributes.OnlyThese("epsilon", "momentum", "spatial", "training_mode", "is_test", "consumed_inputs");
        foreach (var (name, inference) in new[] { ("training_mode", 0L), ("is_test", 1L), ("spatial", 1L) })
            if (_attributes.Has(name) && _attributes.Int(name, inference) != inference)
                throw new OnnxException($"attribute '{name}' is {_attributes.Int(name, inference)}; DeepVis runs BatchNormalization at inference, " +
                    $"per channel ({name} {inference})");
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
