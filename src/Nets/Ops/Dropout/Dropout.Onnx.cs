namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Dropout: the identity at inference.</summary>
internal sealed partial class OnnxOps
{
    internal void Dropout(Value?[] inputs)
    {
        _attributes.OnlyThese("ratio", "is_test", "seed");
        var x = Computed(inputs[0]);
        Emit(new Draft("Dropout", _node, [x], ShapeOf(x)));
    }
}
