using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Concatenation along channels (Inception branches, DenseNet features); backward hands each input its slice.</summary>
public sealed class ConcatLayer : ILayer
{
    public string Type => "Concat";
    public string Details => "channels";
    public long ParameterCount => 0;

    public int[] OutputShape(IReadOnlyList<int[]> inputs) => Concat.OutputShape(inputs);

    public void Forward(IReadOnlyList<Tensor> inputs, Tensor y) => Concat.Forward(inputs, y);
    public void Backward(IReadOnlyList<Tensor> inputs, Tensor y, Tensor dy, IReadOnlyList<Tensor> dxs) => Concat.BackwardInput(dy, dxs);
    public void Dispose() => GC.SuppressFinalize(this);
}
