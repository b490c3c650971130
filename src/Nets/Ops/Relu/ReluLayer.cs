using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>ReLU; <see cref="Gradient"/> can be switched to pass-through for activation maximization.</summary>
public sealed class ReluLayer : StatelessLayer
{
    public ReluGradient Gradient { get; set; } = ReluGradient.Standard;
    public override string Type => "ReLU";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Relu.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Relu.Backward(x, dy, dx, Gradient);
}
