using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>torch.flatten(x, 1): [N, C, H, W] to [N, C*H*W] (SqueezeNet's logits), the same elements.</summary>
public sealed class FlattenLayer : StatelessLayer
{
    public override string Type => "Flatten";
    public override int[] OutputShape(IReadOnlyList<int> input) => Flatten.OutputShape(input);
    public override void Forward(Tensor x, Tensor y) => Flatten.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Flatten.Backward(dy, dx);
}
