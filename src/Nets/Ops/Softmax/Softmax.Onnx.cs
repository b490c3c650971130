namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Softmax: only a final one, which is dropped.</summary>
internal sealed partial class OnnxOps
{
    /// <summary>A final Softmax is dropped: visualizations work on the logits before it, which answer to 'logits'.</summary>
    internal void Softmax(Value?[] inputs)
    {
        _attributes.OnlyThese("axis");
        var x = Computed(inputs[0]);
        var axis = _attributes.Int("axis", _opset >= 13 ? -1 : 1);
        var output = _node.Output[0];
        if (!_graphOutputs.Contains(output) || _readers.GetValueOrDefault(output) != 1 || ShapeOf(x).Length != 1 || axis is not (1 or -1))
            throw new OnnxException("a Softmax is supported only as the graph's last node, over the features of a flat output (it is dropped)");
        if (x >= 0)
        {
            _drafts[x].Aliases.Add("logits");
            _drafts[x].Notes.Add("the logits: the model's final Softmax was dropped on import");
        }
        Output(new NodeValue(x));
    }
}
