using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// Maps ONNX nodes, in the file's order, to drafts of stored-graph nodes. Constant computations are
/// folded (<see cref="ConstantFolding"/>); Identity is skipped; a zero Pad is taken into the
/// convolution or average pool that reads it; MatMul plus a constant Add becomes one Linear; a final
/// Softmax is dropped. Anything else is an <see cref="OnnxException"/> saying what is supported.
/// </summary>
internal sealed partial class OnnxOps
{
    /// <summary>The ops that become layers, for the refusal of any other.</summary>
    public static readonly string[] Mapped =
    [
        "Conv", "Relu", "Clip", "Add", "Sum", "Concat", "MaxPool", "AveragePool", "GlobalAveragePool", "Flatten", "Gemm", "MatMul",
        "BatchNormalization", "Pad", "Dropout", "Softmax", "LRN", "Reshape",
    ];

    private readonly List<Draft> _drafts = [];
    private readonly Dictionary<string, Value> _values = [];
    private readonly Dictionary<string, int> _readers;
    private readonly HashSet<string> _graphOutputs;
    private readonly int[] _inputShape;
    private readonly int _opset;
    private readonly long? _batch;
    private readonly string _folder;
    private NodeProto _node = new();
    private OnnxAttributes _attributes = null!;

    /// <param name="batch">The batch size the file declares, null where it leaves it open.</param>
    public OnnxOps(GraphProto graph, string inputName, long? batch, int[] inputShape, IReadOnlyDictionary<string, OnnxConstant> initializers, int opset, string folder)
    {
        _batch = batch;
        _inputShape = inputShape;
        _opset = opset;
        _folder = folder;
        _values[inputName] = new NodeValue(Draft.Input);
        foreach (var (name, constant) in initializers) _values[name] = new ConstValue(constant);
        _graphOutputs = [.. graph.Output.Select(o => o.Name)];
        _readers = graph.Node.SelectMany(n => n.Input).Concat(_graphOutputs).Where(n => n.Length > 0)
            .GroupBy(n => n).ToDictionary(g => g.Key, g => g.Count());
    }

    public IReadOnlyList<Draft> Drafts => _drafts;

    /// <summary>The draft whose output a graph output names (-1 for the input itself), or null where the output is a constant.</summary>
    public int? DraftOf(string value) => _values.GetValueOrDefault(value) is NodeValue v ? v.Draft : null;

    public int[] ShapeOf(int draft) => draft == Draft.Input ? _inputShape : _drafts[draft].Shape;

    public void Map(NodeProto node)
    {
        _node = node;
        _attributes = new OnnxAttributes(node, _folder);
        if (node.Output.Count == 0 || node.Output[0].Length == 0) throw new OnnxException("the node has no output");
        var inputs = node.Input.Select(Find).ToArray();
        if (Fold(inputs)) return;
        switch (node.OpType)
        {
            case "Identity": Output(inputs[0]!); break;
            case "Conv": Conv(inputs); break;
            case "Relu": Simple("Relu", inputs); break;
            case "Clip": Clip(inputs); break;
            case "Add": Add(inputs); break;
            case "Sum": Sum(inputs); break;
            case "Concat": Concat(inputs); break;
            case "MaxPool": Pool("MaxPool", inputs); break;
            case "AveragePool": Pool("AveragePool", inputs); break;
            case "GlobalAveragePool": Simple("GlobalAveragePool", inputs, s => [s[0], 1, 1]); break;
            case "Flatten": Flatten(inputs); break;
            case "Reshape": Reshape(inputs); break;
            case "Gemm": Gemm(inputs); break;
            case "MatMul": MatMul(inputs); break;
            case "BatchNormalization": BatchNorm(inputs); break;
            case "Pad": Pad(inputs); break;
            case "Dropout": Dropout(inputs); break;
            case "Softmax": Softmax(inputs); break;
            case "LRN": Lrn(inputs); break;
            default:
                throw new OnnxException(ConstantFolding.Ops.Contains(node.OpType)
                    ? $"{node.OpType} of a computed value is not supported; DeepVis folds it on constants only"
                    : $"op '{node.OpType}' is not supported; DeepVis imports {string.Join(", ", Mapped.Concat(ConstantFolding.Ops).Distinct())}");
        }
    }

    private Value? Find(string name) =>
        name.Length == 0 ? null
        : _values.GetValueOrDefault(name) ?? throw new OnnxException(
            $"reads '{name}', which is neither the input, an initializer nor the output of an earlier node (a cycle, a dangling input or nodes out of order)");

    /// <summary>Evaluates the node when its inputs are known (the Shape of a computed value counts: its item shape is).</summary>
    private bool Fold(Value?[] inputs)
    {
        if (!ConstantFolding.Ops.Contains(_node.OpType)) return false;
        OnnxConstant? result;
        if (_node.OpType == "Shape" && inputs[0] is NodeValue v)
        {
            _attributes.OnlyThese();
            result = ConstantFolding.ShapeOf(ShapeOf(v.Draft));
        }
        else
        {
            // Only when every input present is a constant; absent optional inputs stay null.
            if (inputs.Any(i => i is not null and not ConstValue)) return false;
            var constants = inputs.Select(i => (i as ConstValue)?.Constant).ToArray();
            result = ConstantFolding.Fold(_node, constants, _attributes, _opset);
        }
        if (result is null) return false;
        Output(new ConstValue(result));
        return true;
    }

    private void Output(Value value)
    {
        // Outputs after the first (a Dropout's mask, BatchNormalization's training statistics) must be unread.
        if (_node.Output.Skip(1).FirstOrDefault(o => o.Length > 0 && _readers.ContainsKey(o)) is { } extra)
            throw new OnnxException($"its output '{extra}' is read; DeepVis imports only the first output of {_node.OpType}");
        _values[_node.Output[0]] = value;
    }

    /// <summary>Appends the draft; the node's output is its value.</summary>
    private void Emit(Draft draft)
    {
        _drafts.Add(draft);
        Output(new NodeValue(_drafts.Count - 1));
    }

    /// <summary>The draft a computed input comes from; a constant, a pending Pad or a missing input is an error.</summary>
    private int Computed(Value? value, string what = "its input") => value switch
    {
        NodeValue v => v.Draft,
        PaddedValue => throw new OnnxException($"{what} is a Pad, which DeepVis takes only into a following Conv or AveragePool"),
        null => throw new OnnxException($"{what} is missing"),
        _ => throw new OnnxException($"{what} is a constant; DeepVis runs {_node.OpType} on computed values only"),
    };

    private static OnnxConstant Constant(Value? value, string what) =>
        value is ConstValue c ? c.Constant : throw new OnnxException($"{what} must be a constant (an initializer or Constant node)");

    private void Simple(string op, Value?[] inputs, Func<int[], int[]>? shape = null)
    {
        _attributes.OnlyThese();
        var x = Computed(inputs[0]);
        Emit(new Draft(op, _node, [x], shape?.Invoke(ShapeOf(x)) ?? ShapeOf(x)));
    }

    private (int Draft, int[] Shape) Image(Value? value)
    {
        var x = Computed(value);
        var shape = ShapeOf(x);
        return shape.Length == 3 ? (x, shape) : throw new OnnxException($"its input has item shape [{string.Join(", ", shape)}]; {_node.OpType} takes [C, H, W]");
    }

    private void Clip(Value?[] inputs)
    {
        var x = Computed(inputs[0]);
        var draft = new Draft("Clip", _node, [x], ShapeOf(x));
        if (_opset < 11)
        {
            _attributes.OnlyThese("min", "max");
            if (_attributes.Has("min")) draft.Attributes["min"] = [_attributes.Float("min", 0)];
            if (_attributes.Has("max")) draft.Attributes["max"] = [_attributes.Float("max", 0)];
        }
        else
        {
            _attributes.OnlyThese();
            if (inputs.ElementAtOrDefault(1) is { } min) draft.Attributes["min"] = [Constant(min, "the minimum").Scalar("the minimum")];
            if (inputs.ElementAtOrDefault(2) is { } max) draft.Attributes["max"] = [Constant(max, "the maximum").Scalar("the maximum")];
        }
        Emit(draft);
    }

    private void Concat(Value?[] inputs)
    {
        var xs = inputs.Select(i => Computed(i, "a concatenated value")).ToArray();
        var shapes = xs.Select(ShapeOf).ToArray();
        var rank = shapes[0].Length + 1;
        var axis = _attributes.Int("axis", 1);
        _attributes.OnlyThese("axis");
        if (axis != 1 && axis != 1 - rank) throw new OnnxException($"axis {axis} is not supported; DeepVis concatenates along channels (axis 1)");
        if (shapes.Any(s => s.Length != shapes[0].Length || !s.Skip(1).SequenceEqual(shapes[0].Skip(1))))
            throw new OnnxException("its inputs differ in more than their channels");
        Emit(new Draft("Concat", _node, xs, [shapes.Sum(s => s[0]), .. shapes[0].Skip(1)]));
    }

    private void Flatten(Value?[] inputs)
    {
        _attributes.OnlyThese("axis");
        var x = Computed(inputs[0]);
        var axis = _attributes.Int("axis", 1);
        if (axis != 1 && axis != -ShapeOf(x).Length) throw new OnnxException($"axis {axis} is not supported; DeepVis flattens everything but the batch (axis 1)");
        Emit(new Draft("Flatten", _node, [x], [OnnxShapes.Count(ShapeOf(x))]));
    }

    /// <summary>A Reshape that keeps the batch and flattens the rest (x.view(n, -1)) is a Flatten; one that changes nothing is skipped.</summary>
    private void Reshape(Value?[] inputs)
    {
        _attributes.OnlyThese("allowzero");
        var x = Computed(inputs[0]);
        var item = ShapeOf(x);
        if (inputs.ElementAtOrDefault(1) is not ConstValue target)
            throw new OnnxException("its target shape is computed from something other than constants and shapes; DeepVis folds Reshape only to a constant target");
        var dims = target.Constant.AsIntegers();
        var count = OnnxShapes.Count(item);
        var rest = dims.Skip(1).ToArray();
        // The first entry must be the batch: open (from Shape), 0 (copied), the declared batch size, or -1 with the rest fixed.
        var batchFirst = dims.Length > 0 && (dims[0] is null or 0 || dims[0] == _batch || (dims[0] == -1 && rest.All(d => d > 0)));
        if (batchFirst && rest.All(d => d is not null) && rest.Count(d => d == -1) <= 1)
        {
            var itemDims = rest.Select((d, i) => d == 0 && i < item.Length ? item[i] : (int)d!.Value).ToArray();
            var known = OnnxShapes.Count([.. itemDims.Where(d => d != -1)]);
            itemDims = [.. itemDims.Select(d => d == -1 && known > 0 ? count / known : d)];
            if (OnnxShapes.Count(itemDims) == count && itemDims.All(d => d > 0))
            {
                if (itemDims.SequenceEqual(item))
                {
                    Output(new NodeValue(x));
                    return;
                }
                if (itemDims.Length == 1)
                {
                    Emit(new Draft("Flatten", _node, [x], [count]));
                    return;
                }
            }
        }
        throw new OnnxException($"reshapes item shape [{string.Join(", ", item)}] to [{string.Join(", ", dims.Select(d => d?.ToString() ?? "N"))}]; DeepVis folds only a Reshape to [N, -1] (a flatten) or to the same shape");
    }

    private void BatchNorm(Value?[] inputs)
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
        draft.Attributes["eps"] = [_attributes.Float("epsilon", 1e-5)];
        Emit(draft);
    }

    private void Dropout(Value?[] inputs)
    {
        _attributes.OnlyThese("ratio", "is_test", "seed");
        var x = Computed(inputs[0]);
        Emit(new Draft("Dropout", _node, [x], ShapeOf(x)));
    }

    /// <summary>A final Softmax is dropped: visualizations work on the logits before it, which answer to 'logits'.</summary>
    private void Softmax(Value?[] inputs)
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

    private void Lrn(Value?[] inputs)
    {
        _attributes.OnlyThese("size", "alpha", "beta", "bias");
        var (x, shape) = Image(inputs[0]);
        var draft = new Draft("LRN", _node, [x], shape);
        draft.Attributes["size"] = [_attributes.Int("size", 0) is > 0 and var size ? size : throw new OnnxException("attribute 'size' is missing")];
        draft.Attributes["alpha"] = [_attributes.Float("alpha", 1e-4)];
        draft.Attributes["beta"] = [_attributes.Float("beta", 0.75)];
        draft.Attributes["bias"] = [_attributes.Float("bias", 1)];
        Emit(draft);
    }
}
