using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets.Layers;

/// <summary>
/// One layer of a network: shape inference, forward, and backward to its input. Layers own their
/// weights on the device; activations belong to the caller (<see cref="Network"/>'s workspace).
/// </summary>
public interface ILayer : IDisposable
{
    /// <summary>The PyTorch module name: "Conv2d", "ReLU", "MaxPool2d", ...</summary>
    string Type { get; }

    /// <summary>Hyperparameters for listings, e.g. "3->64, 3x3, stride 1, padding 1".</summary>
    string Details { get; }

    long ParameterCount { get; }

    /// <summary>The output shape for an input shape (batch first); throws ShapeException when the input does not fit.</summary>
    int[] OutputShape(IReadOnlyList<int> input);

    void Forward(Tensor x, Tensor y);

    /// <summary>dx from dy; x and y are this layer's input and output from the last forward.</summary>
    void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx);
}

/// <summary>A layer without weights: nothing to free.</summary>
public abstract class StatelessLayer : ILayer
{
    public abstract string Type { get; }
    public virtual string Details => "";
    public long ParameterCount => 0;
    public abstract int[] OutputShape(IReadOnlyList<int> input);
    public abstract void Forward(Tensor x, Tensor y);
    public abstract void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx);
    public void Dispose() => GC.SuppressFinalize(this);
}
