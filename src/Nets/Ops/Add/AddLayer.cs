using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Element-wise sum of two values of one shape: a residual connection.</summary>
public sealed class AddLayer : ILayer
{
    public string Type => "Add";
    public string Details => "";
    public long ParameterCount => 0;

    public int[] OutputShape(IReadOnlyList<int[]> inputs)
    {
        if (inputs.Count != 2 || !inputs[0].SequenceEqual(inputs[1]))
            throw new ShapeException($"Add: expected two inputs of one shape, got {string.Join(" and ", inputs.Select(s => Tensor.Format(s)))}");
        return [.. inputs[0]];
    }

    public void Forward(IReadOnlyList<Tensor> inputs, Tensor y) => Add.Forward(inputs[0], inputs[1], y);

    /// <summary>The sum passes its gradient unchanged to both inputs.</summary>
    public void Backward(IReadOnlyList<Tensor> inputs, Tensor y, Tensor dy, IReadOnlyList<Tensor> dxs)
    {
        foreach (var dx in dxs) dy.CopyTo(dx);
    }

    public void Dispose() => GC.SuppressFinalize(this);
}
