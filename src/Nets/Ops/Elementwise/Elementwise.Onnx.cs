using DeepVis.Ops;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// ONNX Add, Sub, Mul, Div (NumPy broadcasting) and Sum. A constant added to a Conv or MatMul output
/// that nothing else reads becomes its bias (Linear.Onnx.cs); any other constant operand is the node's
/// weight tensor, shaped as the trailing axes of an item; x * Sigmoid(x) is one SiLU node (and torch's
/// x * HardSigmoid(x) one HardSwish).
/// </summary>
internal sealed partial class OnnxOps
{
    internal void Add(Value?[] inputs)
    {
        _attributes.OnlyThese();
        var constant = Array.FindIndex(inputs, i => i is ConstValue);
        if (inputs.Length == 2 && constant >= 0 && inputs[1 - constant] is NodeValue { Draft: >= 0 } value
            && FitsBias(value, _node.Input[1 - constant], Constant(inputs[constant], "the addend")))
            BiasAdd(value, _node.Input[1 - constant], Constant(inputs[constant], "the addend"));
        else
            Arithmetic(BinaryKind.Add, inputs);
    }

    internal void Arithmetic(BinaryKind kind, Value?[] inputs)
    {
        // Opset 6 and earlier carried 'broadcast' and 'axis' attributes: refused here, in one line.
        _attributes.OnlyThese();
        if (inputs.Length != 2) throw new OnnxException($"has {inputs.Length} inputs; {_node.OpType} takes two");
        var constant = Array.FindIndex(inputs, i => i is ConstValue);
        if (constant < 0)
        {
            var (a, b) = (Computed(inputs[0], "operand A"), Computed(inputs[1], "operand B"));
            if (kind == BinaryKind.Mul && (FuseGate(a, b, 1) || FuseGate(b, a, 0))) return;
            var (sa, sb) = (ShapeOf(a), ShapeOf(b));
            if (sa.Length != sb.Length)
                throw new OnnxException($"combines item shapes [{string.Join(", ", sa)}] and [{string.Join(", ", sb)}]; DeepVis broadcasts computed values of one rank");
            var combined = new Draft(kind.ToString(), _node, [a, b], BroadcastOf(sa, sb));
            if (kind == BinaryKind.Add && !sa.SequenceEqual(sb)) combined.Attributes["broadcast"] = [1];
            Emit(combined);
            return;
        }
        var x = Computed(inputs[1 - constant], constant == 0 ? "operand B" : "operand A");
        var item = ShapeOf(x);
        var value = Constant(inputs[constant], constant == 0 ? "operand A" : "operand B");
        // The constant's leading axis, where it has as many as the batched input, is the batch axis: it must be 1.
        var shape = value.Shape.Length == item.Length + 1 && value.Shape[0] == 1 ? value.Shape[1..]
            : value.Shape.Length <= item.Length ? value.Shape
            : throw new OnnxException($"the constant {value.ShapeText} has more axes than the input [N, {string.Join(", ", item)}] or a batch axis other than 1");
        if (shape.Length == 0) shape = [1];
        var draft = new Draft(kind.ToString(), _node, [x], BroadcastOf(item, shape));
        draft.Tensors["weight"] = value with { Shape = shape };
        if (constant == 0) draft.Attributes["constant_first"] = [1];
        Emit(draft);
    }

    /// <summary>
    /// x * Sigmoid(x) and x * HardSigmoid(x) with torch's alpha 1/6 and beta 1/2, PyTorch's exports of SiLU
    /// and (before opset 14) Hardswish, become one SiLU or HardSwish node in the gate's place when nothing
    /// else reads the gate (<paramref name="gate"/>, operand <paramref name="gateOperand"/> of this Mul).
    /// </summary>
    private bool FuseGate(int x, int gate, int gateOperand)
    {
        if (gate < 0 || _drafts[gate].Inputs[0] != x || _readers.GetValueOrDefault(_node.Input[gateOperand]) != 1) return false;
        var fused = _drafts[gate] switch
        {
            { Op: "Sigmoid" } => "SiLU",
            { Op: "HardSigmoid" } d when (float)d.Attributes["alpha"][0] == DeepVis.Ops.HardSigmoid.TorchAlpha && d.Attributes["beta"][0] == 0.5 => "HardSwish",
            _ => null,
        };
        if (fused is null) return false;
        _drafts[gate] = new Draft(fused, _node, [x], ShapeOf(x));
        Output(new NodeValue(gate));
        return true;
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
            throw new OnnxException($"adds item shapes {string.Join(" and ", xs.Select(x => "[" + string.Join(", ", ShapeOf(x)) + "]"))}; DeepVis sums values of one shape");
        // Three or more addends become a chain of two-input adds; the last one answers to the node's name.
        var sum = xs[0];
        for (var k = 1; k < xs.Length; k++)
        {
            _drafts.Add(new Draft("Add", _node, [sum, xs[k]], ShapeOf(xs[0])) { Suffix = k < xs.Length - 1 ? $"_part{k}" : "" });
            sum = _drafts.Count - 1;
        }
        Output(new NodeValue(sum));
    }

    /// <summary>The item shape of a op b, or a refusal naming both shapes.</summary>
    private static int[] BroadcastOf(int[] a, int[] b) =>
        (Math.Max(a.Length, b.Length) < Broadcast.MaxRank ? Broadcast.Shape(a, b) : null) ?? throw new OnnxException(
            $"item shapes [{string.Join(", ", a)}] and [{string.Join(", ", b)}] do not broadcast (each axis, aligned to the right, must match or be 1; at most {Broadcast.MaxRank - 1} axes per item)");
}
