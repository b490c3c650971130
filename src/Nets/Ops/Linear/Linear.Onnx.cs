namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Gemm and MatMul as a linear layer (a constant Add after MatMul or Conv is its bias).</summary>
internal sealed partial class OnnxOps
{
    /// <summary>A constant added to a convolution's or MatMul's output that nothing else reads becomes its bias.</summary>
    private void BiasAdd(NodeValue value, string name, OnnxConstant bias)
    {
        var producer = _drafts[value.Draft];
        if (!FitsBias(value, name, bias))
            throw new OnnxException($"adds a constant {bias.ShapeText}; DeepVis takes a constant Add only as the per-channel bias of the Conv or MatMul before it, when nothing else reads their output");
        producer.Tensors["bias"] = bias with { Shape = [bias.Count] };
        producer.AwaitsBias = false;
        producer.Node = _node;
        Output(value);
    }

    /// <summary>Whether <paramref name="bias"/> can be the per-channel bias of the Conv or MatMul draft <paramref name="value"/>, which only this Add reads.</summary>
    private bool FitsBias(NodeValue value, string name, OnnxConstant bias)
    {
        var producer = _drafts[value.Draft];
        return (producer.AwaitsBias || producer.Op == "Conv") && !producer.Tensors.ContainsKey("bias") && _readers.GetValueOrDefault(name) == 1
            && bias.Count == (producer.Op == "MatMul" ? producer.Shape[^1] : producer.Shape[0]) && bias.Shape.Count(d => d != 1) <= 1;
    }

    internal void Gemm(Value?[] inputs)
    {
        _attributes.OnlyThese("alpha", "beta", "transA", "transB");
        if (_attributes.Int("transA", 0) != 0) throw new OnnxException("transA 1 is not supported; DeepVis maps Gemm with the computed value as A to a linear layer");
        var b = Constant(inputs.ElementAtOrDefault(1), "B");
        var weight = Linear(inputs[0], b, _attributes.Int("transB", 0) != 0, (float)_attributes.Float("alpha", 1));
        if (inputs.ElementAtOrDefault(2) is { } c)
        {
            var bias = Constant(c, "C");
            var outputs = weight.Shape[0];
            var beta = (float)_attributes.Float("beta", 1);
            var values = bias.AsFloats("C");
            if (values.Length != outputs && values.Length != 1) throw new OnnxException($"C {bias.ShapeText} is not a bias for {outputs} outputs");
            _drafts[^1].Tensors["bias"] = OnnxConstant.Of([.. Enumerable.Range(0, outputs).Select(o => beta * values[values.Length == 1 ? 0 : o])], outputs);
        }
        else _drafts[^1].Tensors["bias"] = OnnxConstant.Of(new float[weight.Shape[0]], weight.Shape[0]);
    }

    internal void MatMul(Value?[] inputs)
    {
        _attributes.OnlyThese();
        Linear(inputs[0], Constant(inputs.ElementAtOrDefault(1), "the second factor"), false, 1f);
        _drafts[^1].AwaitsBias = true;
    }

    /// <summary>A Linear draft for x · B (B [in, out]) or x · Bᵀ (transposed: B [out, in]); its weight is [out, in] scaled by alpha.</summary>
    private OnnxConstant Linear(Value? input, OnnxConstant b, bool transposed, float alpha)
    {
        var x = Computed(input);
        var features = ShapeOf(x);
        // MatMul of an N-D value multiplies along its last axis (nn.Linear on NHWC); Gemm is 2-D.
        if (features.Length != 1 && _node.OpType != "MatMul") throw new OnnxException($"its input has item shape [{string.Join(", ", features)}]; DeepVis maps {_node.OpType} on flat features only");
        if (b.Shape.Length != 2) throw new OnnxException($"the constant factor has shape {b.ShapeText}; DeepVis maps {_node.OpType} with a 2-D constant");
        var (outputs, inputsCount) = transposed ? (b.Shape[0], b.Shape[1]) : (b.Shape[1], b.Shape[0]);
        if (inputsCount != features[^1]) throw new OnnxException($"the constant factor {b.ShapeText} does not fit {features[^1]} input features");
        var values = b.AsFloats("the weight");
        var weight = new float[outputs * inputsCount];
        for (var o = 0; o < outputs; o++)
            for (var i = 0; i < inputsCount; i++)
                weight[o * inputsCount + i] = alpha * values[transposed ? o * inputsCount + i : i * outputs + o];
        var tensor = OnnxConstant.Of(weight, outputs, inputsCount);
        var draft = features.Length == 1 ? new Draft("Linear", _node, [x], [outputs]) : new Draft("MatMul", _node, [x], [.. features[..^1], outputs]);
        draft.Tensors["weight"] = tensor;
        Emit(draft);
        return tensor;
    }
}
