using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>hardsigmoid(x) = clamp(alpha x + beta, 0, 1): MobileNetV3's squeeze-excitation gate.</summary>
public sealed class HardSigmoidLayer(float alpha, float beta) : StatelessLayer
{
    public override string Type => "Hardsigmoid";
    public override string Details => $"alpha {alpha:G}, beta {beta:G}";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => HardSigmoid.Forward(x, y, alpha, beta);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => HardSigmoid.Backward(x, dy, dx, alpha, beta);
}
