using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets.Layers;

/// <summary>
/// One node's operation in a network: shape inference, forward, and backward to its inputs. Layers
/// own their weights on the device; activations belong to the caller (<see cref="Network"/>'s
/// workspace). Most layers read one value (<see cref="UnaryLayer"/>); add and concat read several.
/// </summary>
public interface ILayer : IDisposable
{
    /// <summary>The PyTorch module name: "Conv2d", "ReLU", "MaxPool2d", ...</summary>
    string Type { get; }

    /// <summary>Hyperparameters for listings, e.g. "3->64, 3x3, stride 1, padding 1".</summary>
    string Details { get; }

    long ParameterCount { get; }

    /// <summary>The output shape for the input shapes (batch first); throws ShapeException when they do not fit.</summary>
    int[] OutputShape(IReadOnlyList<int[]> inputs);

    void Forward(IReadOnlyList<Tensor> inputs, Tensor y);

    /// <summary>
    /// Writes (not adds) each input's gradient into <paramref name="dxs"/> from dy; the inputs and y
    /// are this layer's from the last forward.
    /// </summary>
    void Backward(IReadOnlyList<Tensor> inputs, Tensor y, Tensor dy, IReadOnlyList<Tensor> dxs);
}

/// <summary>A layer that reads exactly one value: convolutions, pools, activations, linear layers.</summary>
public abstract class UnaryLayer : ILayer
{
    public abstract string Type { get; }
    public virtual string Details => "";
    public virtual long ParameterCount => 0;
    public abstract int[] OutputShape(IReadOnlyList<int> input);
    public abstract void Forward(Tensor x, Tensor y);
    public abstract void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx);

    public int[] OutputShape(IReadOnlyList<int[]> inputs) => OutputShape(Single(inputs));
    public void Forward(IReadOnlyList<Tensor> inputs, Tensor y) => Forward(Single(inputs), y);
    public void Backward(IReadOnlyList<Tensor> inputs, Tensor y, Tensor dy, IReadOnlyList<Tensor> dxs) => Backward(Single(inputs), y, dy, Single(dxs));

    public virtual void Dispose() => GC.SuppressFinalize(this);

    private T Single<T>(IReadOnlyList<T> values) =>
        values.Count == 1 ? values[0] : throw new ShapeException($"{Type} reads one input, got {values.Count}");
}

/// <summary>A one-input layer without weights.</summary>
public abstract class StatelessLayer : UnaryLayer;
