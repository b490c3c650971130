using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Dropout at inference: the identity.</summary>
public sealed class DropoutLayer : StatelessLayer
{
    public override string Type => "Dropout";
    public override string Details => "identity at inference";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Dropout.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Dropout.Backward(dy, dx);
}
