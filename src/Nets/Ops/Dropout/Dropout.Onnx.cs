namespace DeepVis.Nets.Onnx;

/// <summary>
/// ONNX Dropout and Identity, the identities at inference. Dropout in every opset: the attributes
/// ratio, seed, is_test (opsets 1-6, either value: DeepVis runs inference, as ONNX Runtime does) and
/// consumed_inputs (opsets 1-5, legacy), and from opset 12 the optional inputs ratio (any value) and
/// training_mode, which must be absent or a constant false unless the ratio is a constant 0 (then
/// training drops nothing either).
/// </summary>
internal sealed partial class OnnxOps
{
    internal void Dropout(Value?[] inputs)
    {
        _attributes.OnlyThese("ratio", "is_test", "seed", "consumed_inputs");
        if (inputs.Length > 2 && inputs[2] is { } mode)
        {
            var training = Constant(mode, "its input training_mode").Scalar("training_mode") != 0;
            // The ratio is a float tensor: shown as the float it is, not its double expansion.
            var ratio = inputs.Length > 1 && inputs[1] is ConstValue r ? (float)r.Constant.Scalar("ratio") : 0.5f;
            if (training && ratio != 0)
                throw new OnnxException($"input training_mode is true with ratio {ratio.ToString(System.Globalization.CultureInfo.InvariantCulture)}; DeepVis runs Dropout at inference (training_mode false), where it is the identity");
        }
        var x = Computed(inputs[0]);
        Emit(new Draft("Dropout", _node, [x], ShapeOf(x)));
    }

    /// <summary>Identity: no node; its output is its input's value (a computed value, a constant or a pending Pad).</summary>
    internal void Identity(Value?[] inputs)
    {
        _attributes.OnlyThese();
        Output(inputs.Length == 1 && inputs[0] is { } x ? x : throw new OnnxException("Identity takes exactly one input"));
    }
}
