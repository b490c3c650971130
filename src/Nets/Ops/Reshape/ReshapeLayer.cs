using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>A view with another item shape: ShuffleNet's [n, g, c / g, h, w], an ONNX Squeeze or Unsqueeze.</summary>
public sealed class ReshapeLayer(IReadOnlyList<int> item) : StatelessLayer
{
    public IReadOnlyList<int> Item { get; } = item;
    public override string Type => "Reshape";
    public override string Details => $"[N, {string.Join(", ", Item)}]";
    public override int[] OutputShape(IReadOnlyList<int> input) => Reshape.OutputShape(input, Item);
    public override void Forward(Tensor x, Tensor y) => Reshape.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Reshape.Backward(dy, dx);
}
