using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Local response normalization across channels (AlexNet, GoogLeNet).</summary>
public sealed class LocalResponseNormLayer(LocalResponseNormSettings settings) : StatelessLayer
{
    public override string Type => "LocalResponseNorm";
    public override string Details => settings.ToString();
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => LocalResponseNorm.Forward(x, y, settings);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => LocalResponseNorm.Backward(x, dy, dx, settings);
}
