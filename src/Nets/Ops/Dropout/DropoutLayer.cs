using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Dropout or stochastic depth at inference: the identity.</summary>
/// <param name="type">The PyTorch module: "Dropout" or torchvision's "StochasticDepth".</param>
public sealed class DropoutLayer(string type = "Dropout") : StatelessLayer
{
    public override string Type => type;
    public override string Details => "identity at inference";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Dropout.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Dropout.Backward(dy, dx);
}
