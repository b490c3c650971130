using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets.Layers;

/// <summary>ReLU; <see cref="Gradient"/> can be switched to pass-through for activation maximization.</summary>
public sealed class ReluLayer : StatelessLayer
{
    public ReluGradient Gradient { get; set; } = ReluGradient.Standard;
    public override string Type => "ReLU";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Relu.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Relu.Backward(x, dy, dx, Gradient);
}

/// <summary>Dropout at inference: the identity.</summary>
public sealed class DropoutLayer : StatelessLayer
{
    public override string Type => "Dropout";
    public override string Details => "identity at inference";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Dropout.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Dropout.Backward(dy, dx);
}
