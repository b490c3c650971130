using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// Maps ONNX nodes, in the file's order, to drafts of stored-graph nodes. Constant computations are
/// folded (<see cref="ConstantFolding"/>); Identity passes its input on (Dropout's folder); a zero Pad is taken into the
/// convolution or average pool that reads it; MatMul plus a constant Add becomes one Linear; a final
/// Softmax is dropped. Anything else is an <see cref="OnnxException"/> saying what is supported.
/// </summary>
internal sealed partial class OnnxOps
{
    /// <summary>The ONNX ops that become layers (each op's declaration says which: <see cref="OpRegistry"/>), for the refusal of any other.</summary>
    public static IEnumerable<string> Mapped => OpRegistry.Onnx.Keys.Order(StringComparer.Ordinal);

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
        if (OpRegistry.Onnx.TryGetValue(node.OpType, out var map)) map(this, inputs);
        else
            throw new OnnxException(ConstantFolding.Ops.Contains(node.OpType)
                ? $"{node.OpType} of a computed value is not supported; DeepVis folds it on constants only"
                : $"op '{node.OpType}' is not supported; DeepVis imports {string.Join(", ", Mapped.Concat(ConstantFolding.Ops).Distinct())}");
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

    internal void Simple(string op, Value?[] inputs, Func<int[], int[]>? shape = null)
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
}
