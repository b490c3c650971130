using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using Logistic = DeepVis.Kernels.Image.Sigmoid;

namespace DeepVis.Ops;

/// <summary>sigmoid(x) = 1 / (1 + e^-x): squeeze-excitation gates (EfficientNet, RegNetY), SiLU's factor.</summary>
public sealed class SigmoidLayer : StatelessLayer
{
    public override string Type => "Sigmoid";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Logistic.Forward(x, y);

    /// <summary>From the output, as torch's sigmoid_backward: dx = dy y (1 - y).</summary>
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Logistic.Backward(y, dy, dx);
}
