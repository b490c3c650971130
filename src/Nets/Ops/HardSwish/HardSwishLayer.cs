using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>hardswish(x) = x hardsigmoid(x): MobileNetV3's activation.</summary>
public sealed class HardSwishLayer : StatelessLayer
{
    public override string Type => "Hardswish";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => HardSwish.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => HardSwish.Backward(x, dy, dx);
}
