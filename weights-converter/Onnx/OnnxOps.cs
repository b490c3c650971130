using Onnx;

namespace DeepVis.WeightsConverter.Onnx;

/// <summary>
/// Maps ONNX nodes, in the file's order, to drafts of stored-graph nodes. Constant computations are
/// folded (<see cref="ConstantFolding"/>); Identity is skipped; a zero Pad is taken into the
/// convolution or average pool that reads it; MatMul plus a constant Add becomes one Linear; a final
/// Softmax is dropped. Anything else is an <see cref="OnnxException"/> saying what is supported.
/// </summary>
internal sealed class OnnxOps
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
            var constants = inputs.Select(i => i is ConstValue c ? c.Constant : null).ToArray();
            if (inputs.Where((i, k) => i is not null && constants[k] is null).Any()) return false;
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

    private int Add(Draft draft)
    {
        _drafts.Add(draft);
        Output(new NodeValue(_drafts.Count - 1));
        return _drafts.Count - 1;
    }

    private int Computed(Value? value, string what = "its input")
    {
        return value switch
        {
            NodeValue v => v.Draft,
            PaddedValue => throw new OnnxException($"{what} is a Pad, which DeepVis takes only into a following Conv or AveragePool"),
            null => throw new OnnxException($"{what} is missing"),
            _ => throw new OnnxException($"{what} is a constant; DeepVis runs {_node.OpType} on computed values only"),
        };
    }

    private static OnnxConstant Constant(Value? value, string what) =>
        value is ConstValue c ? c.Constant : throw new OnnxException($"{what} must be a constant (an initializer or Constant node)");

    private void Simple(string op, Value?[] inputs, Func<int[], int[]>? shape = null)
    {
        _attributes.OnlyThese();
        var x = Computed(inputs[0]);
        Add(new Draft(op, _node, [x], shape?.Invoke(ShapeOf(x)) ?? ShapeOf(x)));
    }

    private (int Draft, int[] Shape) Image(Value? value)
    {
        var x = Computed(value);
        var shape = ShapeOf(x);
        return shape.Length == 3 ? (x, shape) : throw new OnnxException($"its input has item shape [{string.Join(", ", shape)}]; {_node.OpType} takes [C, H, W]");
    }

    /// <summary>Kernel, strides, dilations and pads [top, left, bottom, right] of a convolution or pool, auto_pad resolved for the input size.</summary>
    private (int[] Kernel, int[] Strides, int[] Dilations, int[] Pads) Window(int[] input, int[]? kernel)
    {
        long[] Pair(string name, long fallback) => _attributes.IntsOrNull(name) is { } v
            ? v.Length == 2 ? v : throw new OnnxException($"attribute '{name}' has {v.Length} values; DeepVis runs 2-D {_node.OpType} only")
            : [fallback, fallback];
        int[] k = kernel ?? [.. Pair("kernel_shape", 0).Select(v => (int)v)];
        if (k.Any(v => v < 1)) throw new OnnxException("attribute 'kernel_shape' is missing or not positive");
        int[] s = [.. Pair("strides", 1).Select(v => (int)v)];
        int[] d = [.. Pair("dilations", 1).Select(v => (int)v)];
        var pads = _attributes.IntsOrNull("pads") is { } p
            ? p.Length == 4 && p.All(v => v >= 0) ? p.Select(v => (int)v).ToArray() : throw new OnnxException($"attribute 'pads' [{string.Join(", ", p)}] is not 4 non-negative values")
            : new int[4];
        var autoPad = _attributes.String("auto_pad", "NOTSET");
        switch (autoPad)
        {
            case "NOTSET": break;
            case "VALID": pads = new int[4]; break;
            case "SAME_UPPER" or "SAME_LOWER":
                var (top, bottom) = OnnxShapes.Same(input[1], k[0], s[0], d[0], autoPad == "SAME_UPPER");
                var (left, right) = OnnxShapes.Same(input[2], k[1], s[1], d[1], autoPad == "SAME_UPPER");
                pads = [top, left, bottom, right];
                break;
            default: throw new OnnxException($"auto_pad '{autoPad}' is not supported; DeepVis honours NOTSET, VALID, SAME_UPPER and SAME_LOWER");
        }
        return (k, s, d, pads);
    }

    private static double[] D(params int[] values) => [.. values.Select(v => (double)v)];

    private void Conv(Value?[] inputs)
    {
        _attributes.OnlyThese("kernel_shape", "strides", "dilations", "pads", "auto_pad", "group");
        var (x, padding) = inputs[0] is PaddedValue p ? (p.Draft, p.Pads) : (Computed(inputs[0]), new int[4]);
        var shape = ShapeOf(x);
        if (shape.Length != 3) throw new OnnxException($"its input has item shape [{string.Join(", ", shape)}]; Conv takes [C, H, W]");
        var weight = Constant(inputs.ElementAtOrDefault(1), "the weight");
        var group = (int)_attributes.Int("group", 1);
        if (weight.Shape.Length != 4 || group < 1 || weight.Shape[1] * group != shape[0] || weight.Shape[0] % group != 0)
            throw new OnnxException($"weight {weight.ShapeText} with group {group} does not fit {shape[0]} input channels; DeepVis runs 2-D convolutions, weight [out, in / group, kh, kw]");
        int[] padded = [shape[0], shape[1] + padding[0] + padding[2], shape[2] + padding[1] + padding[3]];
        var (k, s, d, pads) = Window(padded, [weight.Shape[2], weight.Shape[3]]);
        if (_attributes.IntsOrNull("kernel_shape") is { } declared && !declared.SequenceEqual([k[0], k[1]]))
            throw new OnnxException($"kernel_shape [{string.Join(", ", declared)}] disagrees with the weight {weight.ShapeText}");
        pads = [.. pads.Zip(padding, (a, b) => a + b)];
        int[] output = [weight.Shape[0], OnnxShapes.Side(shape[1], k[0], s[0], pads[0], pads[2], d[0], false), OnnxShapes.Side(shape[2], k[1], s[1], pads[1], pads[3], d[1], false)];
        var draft = new Draft("Conv", _node, [x], output);
        draft.Attributes["kernel"] = D(k);
        draft.Attributes["stride"] = D(s);
        draft.Attributes["pads"] = D(pads);
        draft.Attributes["dilation"] = D(d);
        draft.Tensors["weight"] = weight;
        if (inputs.ElementAtOrDefault(2) is { } bias)
        {
            var b = Constant(bias, "the bias");
            draft.Tensors["bias"] = b.Count == weight.Shape[0] ? b with { Shape = [b.Count] } : throw new OnnxException($"bias {b.ShapeText} does not fit {weight.Shape[0]} output channels");
        }
        AutoPadNote(draft, s);
        Add(draft);
    }

    private void AutoPadNote(Draft draft, int[] strides)
    {
        var mode = _attributes.String("auto_pad", "NOTSET");
        if (mode.StartsWith("SAME") && strides.Any(v => v > 1))
            draft.Notes.Add($"auto_pad {mode} resolved for a {_inputShape[1]}x{_inputShape[2]} network input");
    }

    private void Pool(string op, Value?[] inputs)
    {
        var average = op == "AveragePool";
        _attributes.OnlyThese(average ? ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "count_include_pad"]
            : ["kernel_shape", "strides", "pads", "auto_pad", "ceil_mode", "dilations", "storage_order"]);
        var countPad = _attributes.Int("count_include_pad", 0) != 0;
        int x;
        var padding = new int[4];
        if (inputs[0] is PaddedValue p && average)
        {
            // Zeros padded before the pool count in its averages: the same as count_include_pad over pool pads.
            if (!countPad && _attributes.IntsOrNull("pads") is { } own && own.Any(v => v != 0))
                throw new OnnxException("a Pad before an AveragePool that has pads of its own and count_include_pad 0 is not supported");
            (x, padding, countPad) = (p.Draft, p.Pads, true);
        }
        else x = Image(inputs[0]).Draft;
        var shape = ShapeOf(x);
        int[] padded = [shape[0], shape[1] + padding[0] + padding[2], shape[2] + padding[1] + padding[3]];
        var (k, s, d, pads) = Window(padded, null);
        if (d.Any(v => v != 1)) throw new OnnxException($"dilations [{string.Join(", ", d)}] are not supported; DeepVis pools without dilation");
        pads = [.. pads.Zip(padding, (a, b) => a + b)];
        var ceil = _attributes.Int("ceil_mode", 0) != 0;
        int[] output = [shape[0], OnnxShapes.Side(shape[1], k[0], s[0], pads[0], pads[2], 1, ceil), OnnxShapes.Side(shape[2], k[1], s[1], pads[1], pads[3], 1, ceil)];
        var draft = new Draft(op, _node, [x], output);
        draft.Attributes["kernel"] = D(k);
        draft.Attributes["stride"] = D(s);
        draft.Attributes["pads"] = D(pads);
        draft.Attributes["ceil"] = D(ceil ? 1 : 0);
        if (average) draft.Attributes["count_include_pad"] = D(countPad ? 1 : 0);
        AutoPadNote(draft, s);
        Add(draft);
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
        Add(draft);
    }

    private void Add(Value?[] inputs)
    {
        _attributes.OnlyThese();
        if (inputs.Length == 2 && inputs.Count(i => i is ConstValue) == 1)
        {
            BiasAdd(inputs[0] as NodeValue ?? inputs[1] as NodeValue, Constant(inputs[0] as ConstValue ?? inputs[1], "the addend"));
            return;
        }
        Sum(inputs);
    }

    /// <summary>A constant added to a convolution's or MatMul's output that nothing else reads becomes its bias.</summary>
    private void BiasAdd(NodeValue? value, OnnxConstant bias)
    {
        var producer = value is { Draft: >= 0 } ? _drafts[value.Draft] : null;
        var onlyReader = value is not null && _readers.GetValueOrDefault(_node.Input.First(i => _values.GetValueOrDefault(i) == value)) == 1;
        var channels = producer?.Shape[0];
        var fits = producer is not null && onlyReader && !producer.Tensors.ContainsKey("bias") && bias.Count == channels
            && bias.Shape.Count(d => d != 1) <= 1 && (producer.AwaitsBias || producer.Op == "Conv");
        if (!fits)
            throw new OnnxException($"adds a constant {bias.ShapeText}; DeepVis takes a constant Add only as the per-channel bias of the Conv or MatMul before it");
        producer!.Tensors["bias"] = bias with { Shape = [bias.Count] };
        producer.AwaitsBias = false;
        producer.Node = _node;
        Output(value!);
    }

    private void Sum(Value?[] inputs)
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
        Add(new Draft("Concat", _node, xs, [shapes.Sum(s => s[0]), .. shapes[0].Skip(1)]));
    }

    private void Flatten(Value?[] inputs)
    {
        _attributes.OnlyThese("axis");
        var x = Computed(inputs[0]);
        var axis = _attributes.Int("axis", 1);
        if (axis != 1 && axis != -ShapeOf(x).Length) throw new OnnxException($"axis {axis} is not supported; DeepVis flattens everything but the batch (axis 1)");
        Add(new Draft("Flatten", _node, [x], [OnnxShapes.Count(ShapeOf(x))]));
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
                    Add(new Draft("Flatten", _node, [x], [count]));
                    return;
                }
            }
        }
        throw new OnnxException($"reshapes item shape [{string.Join(", ", item)}] to [{string.Join(", ", dims.Select(d => d?.ToString() ?? "N"))}]; DeepVis folds only a Reshape to [N, -1] (a flatten) or to the same shape");
    }

    private void Gemm(Value?[] inputs)
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

    private void MatMul(Value?[] inputs)
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
        if (features.Length != 1) throw new OnnxException($"its input has item shape [{string.Join(", ", features)}]; DeepVis maps {_node.OpType} on flat features only");
        if (b.Shape.Length != 2) throw new OnnxException($"the constant factor has shape {b.ShapeText}; DeepVis maps {_node.OpType} with a 2-D constant");
        var (outputs, inputsCount) = transposed ? (b.Shape[0], b.Shape[1]) : (b.Shape[1], b.Shape[0]);
        if (inputsCount != features[0]) throw new OnnxException($"the constant factor {b.ShapeText} does not fit {features[0]} input features");
        var values = b.AsFloats("the weight");
        var weight = new float[outputs * inputsCount];
        for (var o = 0; o < outputs; o++)
            for (var i = 0; i < inputsCount; i++)
                weight[o * inputsCount + i] = alpha * values[transposed ? o * inputsCount + i : i * outputs + o];
        var tensor = OnnxConstant.Of(weight, outputs, inputsCount);
        var draft = new Draft("Linear", _node, [x], [outputs]);
        draft.Tensors["weight"] = tensor;
        Add(draft);
        return tensor;
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
        Add(draft);
    }

    /// <summary>Zero padding of height and width only: kept as pads for the Conv or AveragePool that reads it.</summary>
    private void Pad(Value?[] inputs)
    {
        var x = Image(inputs[0]).Draft;
        long[] pads;
        double value;
        if (_opset < 11)
        {
            _attributes.OnlyThese("mode", "pads", "value");
            pads = _attributes.Ints("pads");
            value = _attributes.Float("value", 0);
        }
        else
        {
            _attributes.OnlyThese("mode");
            if (inputs.Length > 3) throw new OnnxException("the axes input is not supported; DeepVis pads height and width of [N, C, H, W]");
            pads = [.. Constant(inputs.ElementAtOrDefault(1), "the pads").AsIntegers().Select(p => p ?? -1)];
            value = inputs.ElementAtOrDefault(2) is { } v ? Constant(v, "the pad value").Scalar("the pad value") : 0;
        }
        var mode = _attributes.String("mode", "constant");
        if (mode != "constant" || value != 0 || pads.Length != 8 || pads.Any(p => p < 0) || pads[0] != 0 || pads[1] != 0 || pads[4] != 0 || pads[5] != 0)
            throw new OnnxException($"mode '{mode}', value {value}, pads [{string.Join(", ", pads)}] are not supported; DeepVis takes non-negative zero padding of H and W into the next Conv or AveragePool");
        Output(new PaddedValue(x, [(int)pads[2], (int)pads[3], (int)pads[6], (int)pads[7]]));
    }

    private void Dropout(Value?[] inputs)
    {
        _attributes.OnlyThese("ratio", "is_test", "seed");
        var x = Computed(inputs[0]);
        Add(new Draft("Dropout", _node, [x], ShapeOf(x)));
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
        Add(draft);
    }
}
