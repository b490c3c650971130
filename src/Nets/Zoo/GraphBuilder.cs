using DeepVis.Nets.Layers;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// Writes an architecture's nodes in topological order the way torchvision's forward visits its
/// modules: each call appends a node reading <see cref="Last"/> (or the given addresses) and returns
/// its address. A ReLU module called more than once is named as torch.onnx names the calls:
/// <c>relu</c>, <c>relu_1</c>, <c>relu_2</c>.
/// </summary>
internal sealed class GraphBuilder
{
    private readonly List<LayerSpec> _nodes = [];
    private readonly Dictionary<string, int> _calls = [];

    public IReadOnlyList<LayerSpec> Nodes => _nodes;

    /// <summary>The address of the last node written (the network input before the first).</summary>
    public string Last { get; private set; } = Network.InputName;

    public string Add(LayerSpec spec, params string[] inputs)
    {
        _nodes.Add(spec with { Inputs = inputs.Length == 0 ? [Last] : inputs });
        return Last = spec.Address;
    }

    public string Conv(string address, int kernelH, int kernelW, Conv2dSettings settings, bool bias = false, params string[] inputs) =>
        Add(new ConvSpec(address, [], kernelH, kernelW, settings, bias), inputs);

    public string Conv(string address, int kernel, int stride = 1, int padding = 0, bool bias = false, params string[] inputs) =>
        Conv(address, kernel, kernel, Conv2dSettings.Square(stride, padding), bias, inputs);

    public string BatchNorm(string address, double eps = 1e-5, params string[] inputs) => Add(new BatchNormSpec(address, [], eps), inputs);

    public string Linear(string address, params string[] aliases) => Add(new LinearSpec(address, aliases));

    /// <summary>A call of the ReLU module at <paramref name="module"/>; the second call of the same module is module_1.</summary>
    public string Relu(string module, params string[] inputs)
    {
        var call = _calls.GetValueOrDefault(module);
        _calls[module] = call + 1;
        var address = call == 0 ? module : $"{module}_{call}";
        var note = call == 0 ? null : $"call {call + 1} of the ReLU module {module}";
        if (call == 1) MarkFirstCall(module);
        return Add(new StatelessSpec(address, [], () => new ReluLayer()) { Note = note }, inputs);
    }

    public string Stateless(string address, Func<ILayer> create, params string[] inputs) => Add(new StatelessSpec(address, [], create), inputs);

    public string MaxPool(string address, Pool2dSettings settings, params string[] inputs) =>
        Stateless(address, () => new MaxPool2dLayer(settings), inputs);

    public string AvgPool(string address, Pool2dSettings settings, bool countIncludePad = true, params string[] inputs) =>
        Stateless(address, () => new AvgPool2dLayer(settings, countIncludePad), inputs);

    public string GlobalAvgPool(string address, params string[] inputs) => Stateless(address, () => new AdaptiveAvgPool2dLayer(1, 1), inputs);

    public string AddValues(string address, string a, string b) => Stateless(address, () => new ElementwiseLayer(BinaryKind.Add), a, b);

    public string Concat(string address, params string[] inputs) => Stateless(address, () => new ConcatLayer(), inputs);

    /// <summary>ResNet's and DenseNet's stem: 7x7 stride-2 convolution, BatchNorm, ReLU, 3x3 stride-2 max pool.</summary>
    public string ImageNetStem(string conv, string norm, string relu, string pool)
    {
        Conv(conv, 7, stride: 2, padding: 3);
        BatchNorm(norm);
        Relu(relu);
        return MaxPool(pool, new Pool2dSettings(3, 2, 1));
    }

    /// <summary>Adds another name for the node at <paramref name="address"/> (a block's address for its output node).</summary>
    public void Alias(string address, string alias)
    {
        var i = _nodes.FindIndex(n => n.Address == address);
        _nodes[i] = _nodes[i] with { Aliases = [.. _nodes[i].Aliases, alias] };
    }

    /// <summary>Once a module is called twice, its first call's note says so too.</summary>
    private void MarkFirstCall(string module)
    {
        var i = _nodes.FindIndex(n => n.Address == module);
        _nodes[i] = _nodes[i] with { Note = $"call 1 of the ReLU module {module} (later calls: {module}_1, ...)" };
    }
}
