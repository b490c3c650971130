using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>tanh(x), element-wise.</summary>
public sealed class TanhLayer : StatelessLayer
{
    public override string Type => "Tanh";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Tanh.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Tanh.Backward(y, dy, dx);
}
