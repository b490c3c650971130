using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets;

/// <summary>
/// Device buffers to run a network from its input up to one or more target nodes and back: the input,
/// the output and gradient of every node the targets depend on (no others), and a scratch buffer for
/// each value several nodes read, where the second and later readers' gradients are summed. Allocated
/// once per input shape, reused every step, so the optimization loop allocates nothing.
/// </summary>
public sealed class Workspace : IDisposable
{
    private readonly Network _network;
    private readonly int[] _active;
    private readonly Tensor?[] _outputs;
    private readonly Tensor?[] _gradients;
    private readonly Tensor?[] _scratch;
    private readonly Tensor?[] _inputScratch;
    private readonly bool[] _hasReader;

    /// <summary>Per node, built once: the values it reads and where its backward writes each input's gradient.</summary>
    private readonly Tensor[][] _reads;
    private readonly Tensor[][] _writes;

    /// <summary>Per active node and input slot: write the gradient directly (the first reader in backward order) or add it.</summary>
    private readonly bool[][] _accumulate;

    public Workspace(Network network, int[] inputShape, NetworkLayer last) : this(network, inputShape, [last])
    {
    }

    public Workspace(Network network, int[] inputShape, IReadOnlyCollection<NetworkLayer> targets)
    {
        _network = network;
        Last = targets.Max(t => t.Index);
        var needed = network.Ancestors(targets.Select(t => t.Index));
        _active = [.. Enumerable.Range(0, network.Layers.Count).Where(i => needed[i])];
        IReadOnlyList<int[]> shapes;
        try
        {
            shapes = network.OutputShapes(inputShape[0], inputShape[2], inputShape[3], targets);
        }
        catch (ShapeException e)
        {
            throw new ShapeException($"input {inputShape[2]}x{inputShape[3]} does not fit {network.Info.Arch} up to " +
                $"{string.Join(", ", targets.Select(t => t.Address))}: {e.Message}; square sizes that fit: {network.SizesThatFit(targets)}");
        }
        var count = network.Layers.Count;
        Input = new Tensor(network.Device, inputShape);
        InputGradient = new Tensor(network.Device, inputShape);
        _outputs = new Tensor?[count];
        _gradients = new Tensor?[count];
        _scratch = new Tensor?[count];
        _inputScratch = new Tensor?[1];
        _hasReader = new bool[count];
        _accumulate = new bool[count][];
        _reads = new Tensor[count][];
        _writes = new Tensor[count][];
        foreach (var i in _active)
        {
            _outputs[i] = new Tensor(network.Device, shapes[i]);
            _gradients[i] = new Tensor(network.Device, shapes[i]);
        }
        // Backward visits nodes in reverse: the first visit of a reader writes, later ones add.
        var written = new HashSet<int>();
        foreach (var i in _active.Reverse())
        {
            var inputs = network.Layers[i].Inputs;
            if (inputs.Distinct().Count() != inputs.Count)
                throw new ShapeException($"{network.Layers[i].Address} reads the same value twice; its gradient needs separate buffers");
            _accumulate[i] = [.. inputs.Select(j => !written.Add(j))];
            foreach (var j in inputs.Where(j => j != Network.InputIndex)) _hasReader[j] = true;
            foreach (var (j, add) in inputs.Zip(_accumulate[i]))
            {
                if (!add) continue;
                if (j == Network.InputIndex) _inputScratch[0] ??= new Tensor(network.Device, inputShape);
                else _scratch[j] ??= new Tensor(network.Device, shapes[j]);
            }
        }
        foreach (var i in _active)
        {
            var inputs = network.Layers[i].Inputs;
            _reads[i] = [.. inputs.Select(j => j == Network.InputIndex ? Input : _outputs[j]!)];
            _writes[i] = [.. inputs.Zip(_accumulate[i], (j, add) => add ? Scratch(j) : Gradient(j))];
        }
    }

    private Tensor Gradient(int value) => value == Network.InputIndex ? InputGradient : _gradients[value]!;
    private Tensor Scratch(int value) => value == Network.InputIndex ? _inputScratch[0]! : _scratch[value]!;

    /// <summary>The index of the deepest node this workspace runs.</summary>
    public int Last { get; }

    public Tensor Input { get; }

    /// <summary>Filled by <see cref="Backward()"/>: d objective / d input.</summary>
    public Tensor InputGradient { get; }

    /// <summary>The output of the deepest target, after <see cref="Forward"/>.</summary>
    public Tensor Output => OutputOf(Last);

    /// <summary>Where a single objective writes d objective / d output of the deepest target before <see cref="Backward()"/>.</summary>
    public Tensor OutputGradient => _gradients[Last]!;

    public Tensor OutputOf(int layer) =>
        _outputs[layer] ?? throw new ArgumentException($"layer {_network.Layers[layer].Address} is not computed by this workspace");

    /// <summary>Enqueues every node the targets need, in order.</summary>
    public void Forward()
    {
        foreach (var i in _active) _network.Layers[i].Layer.Forward(_reads[i], _outputs[i]!);
    }

    /// <summary>Enqueues the backward pass from <see cref="OutputGradient"/> (the only target) to <see cref="InputGradient"/>.</summary>
    public void Backward()
    {
        foreach (var i in _active.Reverse())
        {
            if (!_hasReader[i] && i != Last)
                throw new InvalidOperationException("a workspace with several targets needs Backward(addSeeds)");
            BackwardNode(i);
        }
    }

    /// <summary>
    /// Backward with objectives at several nodes: gradients nothing downstream writes start at zero,
    /// and before each node's backward <paramref name="addSeeds"/>(node, gradient) adds what the
    /// objectives at that node contribute to d objective / d output.
    /// </summary>
    public void Backward(Action<int, Tensor> addSeeds)
    {
        foreach (var i in _active.Reverse())
        {
            if (!_hasReader[i]) _gradients[i]!.Fill(0f);
            addSeeds(i, _gradients[i]!);
            BackwardNode(i);
        }
    }

    private void BackwardNode(int i)
    {
        var node = _network.Layers[i];
        node.Layer.Backward(_reads[i], _outputs[i]!, _gradients[i]!, _writes[i]);
        for (var k = 0; k < node.Inputs.Count; k++)
            if (_accumulate[i][k]) Add.Accumulate(_writes[i][k], Gradient(node.Inputs[k]));
    }

    public void Dispose()
    {
        Input.Dispose();
        InputGradient.Dispose();
        foreach (var t in _outputs.Concat(_gradients).Concat(_scratch).Concat(_inputScratch)) t?.Dispose();
    }
}
