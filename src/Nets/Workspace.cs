using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets;

/// <summary>
/// Device buffers to run a network from its input up to one layer and back: the input, every
/// layer's output, and every gradient. Allocated once per input shape, reused every step, so the
/// optimization loop allocates nothing.
/// </summary>
public sealed class Workspace : IDisposable
{
    private readonly Network _network;
    private readonly Tensor[] _outputs;
    private readonly Tensor[] _gradients;

    public Workspace(Network network, int[] inputShape, NetworkLayer last)
    {
        _network = network;
        Last = last.Index;
        var shapes = network.OutputShapes(inputShape[0], inputShape[2], inputShape[3]);
        Input = new Tensor(network.Device, inputShape);
        InputGradient = new Tensor(network.Device, inputShape);
        _outputs = new Tensor[Last + 1];
        _gradients = new Tensor[Last + 1];
        for (var i = 0; i <= Last; i++)
        {
            _outputs[i] = new Tensor(network.Device, shapes[i]);
            _gradients[i] = new Tensor(network.Device, shapes[i]);
        }
    }

    /// <summary>The index of the deepest layer this workspace runs.</summary>
    public int Last { get; }

    public Tensor Input { get; }

    /// <summary>Filled by <see cref="Backward"/>: d objective / d input.</summary>
    public Tensor InputGradient { get; }

    /// <summary>The output of the deepest layer, after <see cref="Forward"/>.</summary>
    public Tensor Output => _outputs[Last];

    /// <summary>Where a single objective writes d objective / d output of the deepest layer before <see cref="Backward()"/>.</summary>
    public Tensor OutputGradient => _gradients[Last];

    public Tensor OutputOf(int layer) => _outputs[layer];

    /// <summary>Enqueues every layer from the input to <see cref="Last"/>.</summary>
    public void Forward()
    {
        for (var i = 0; i <= Last; i++)
            _network.Layers[i].Layer.Forward(i == 0 ? Input : _outputs[i - 1], _outputs[i]);
    }

    /// <summary>Enqueues the backward pass from <see cref="OutputGradient"/> to <see cref="InputGradient"/>.</summary>
    public void Backward()
    {
        for (var i = Last; i >= 0; i--) BackwardLayer(i);
    }

    /// <summary>
    /// Backward with objectives at several layers: the deepest layer's gradient starts at zero, and
    /// before each layer's backward <paramref name="addSeeds"/>(layer, gradient) adds what the
    /// objectives at that layer contribute to d objective / d output.
    /// </summary>
    public void Backward(Action<int, Tensor> addSeeds)
    {
        _gradients[Last].Fill(0f);
        for (var i = Last; i >= 0; i--)
        {
            addSeeds(i, _gradients[i]);
            BackwardLayer(i);
        }
    }

    private void BackwardLayer(int i) =>
        _network.Layers[i].Layer.Backward(i == 0 ? Input : _outputs[i - 1], _outputs[i], _gradients[i],
            i == 0 ? InputGradient : _gradients[i - 1]);

    public void Dispose()
    {
        Input.Dispose();
        InputGradient.Dispose();
        foreach (var t in _outputs) t.Dispose();
        foreach (var t in _gradients) t.Dispose();
    }
}
