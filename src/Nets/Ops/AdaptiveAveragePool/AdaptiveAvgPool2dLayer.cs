using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>torchvision's adaptive average pool: any input size reaches the classifier.</summary>
public sealed class AdaptiveAvgPool2dLayer(int height, int width) : StatelessLayer
{
    public override string Type => "AdaptiveAvgPool2d";
    public override string Details => $"to {height}x{width}";
    public override int[] OutputShape(IReadOnlyList<int> input) => AdaptiveAvgPool2d.OutputShape(input, height, width);
    public override void Forward(Tensor x, Tensor y) => AdaptiveAvgPool2d.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => AdaptiveAvgPool2d.Backward(dy, dx);
}
