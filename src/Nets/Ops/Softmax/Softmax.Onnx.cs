namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Softmax and LogSoftmax along any axis but the batch; a final Softmax over flat features is dropped.</summary>
internal sealed partial class OnnxOps
{
    /// <summary>
    /// Opset 13 on reduces along the axis alone (default -1); earlier opsets coerce the input to 2-D at
    /// the axis (default 1) and reduce over everything from it on. A final Softmax over the features of a
    /// flat output is dropped: visualizations work on the logits before it, which answer to 'logits'.
    /// </summary>
    internal void Softmax(Value?[] inputs, bool log)
    {
        _attributes.OnlyThese("axis");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        var rank = item.Length + 1;
        var coerced = _opset < 13;
        var given = _attributes.Int("axis", coerced ? 1 : -1);
        var axis = given < 0 ? given + rank : given;
        var output = _node.Output[0];
        if (!log && _graphOutputs.Contains(output) && _readers.GetValueOrDefault(output) == 1 && rank == 2 && axis == 1)
        {
            if (x >= 0)
            {
                _drafts[x].Aliases.Add("logits");
                _drafts[x].Notes.Add("the logits: the model's final Softmax was dropped on import");
            }
            Output(new NodeValue(x));
            return;
        }
        if (axis < 1 || axis >= rank)
            throw new OnnxException($"attribute 'axis' is {given} for a rank-{rank} input; DeepVis takes an axis from 1 to {rank - 1} " +
                "(axis 0 is the batch, whose images it never mixes)");
        var draft = new Draft(log ? "LogSoftmax" : "Softmax", _node, [x], item);
        draft.Attributes["axis"] = [axis];
        // Coercing at the last axis is the last axis alone.
        if (coerced && axis < rank - 1) draft.Attributes["coerced"] = [1];
        Emit(draft);
    }
}
