namespace DeepVis.Nets.Onnx;

/// <summary>ONNX Add and Sum of computed values (a constant Add is a bias: Linear.Onnx.cs).</summary>
internal sealed partial class OnnxOps
{
    internal void Add(Value?[] inputs)
    {
        _attributes.OnlyThese();
        var constant = Array.FindIndex(inputs, i => i is ConstValue);
        if (inputs.Length == 2 && constant >= 0 && inputs[1 - constant] is NodeValue { Draft: >= 0 } value)
            BiasAdd(value, _node.Input[1 - constant], Constant(inputs[constant], "the addend"));
        else if (constant >= 0)
            throw new OnnxException("adds a constant to something other than a Conv or MatMul output; DeepVis takes a constant Add only as a bias");
        else
            Sum(inputs);
    }

    internal void Sum(Value?[] inputs)
    {
        _attributes.OnlyThese();
        var xs = inputs.Select(i => Computed(i, "an addend")).ToArray();
        if (xs.Length == 1)
        {
            Output(new NodeValue(xs[0]));
            return;
        }
        if (xs.Any(x => !ShapeOf(x).SequenceEqual(ShapeOf(xs[0]))))
            throw new OnnxException($"adds item shapes {string.Join(" and ", xs.Select(x => "[" + string.Join(", ", ShapeOf(x)) + "]"))}; DeepVis adds values of one shape, without broadcasting");
        // Three or more addends become a chain of two-input adds; the last one answers to the node's name.
        var sum = xs[0];
        for (var k = 1; k < xs.Length; k++)
        {
            _drafts.Add(new Draft("Add", _node, [sum, xs[k]], ShapeOf(xs[0])) { Suffix = k < xs.Length - 1 ? $"_part{k}" : "" });
            sum = _drafts.Count - 1;
        }
        Output(new NodeValue(sum));
    }
}
