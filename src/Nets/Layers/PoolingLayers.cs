using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets.Layers;

public sealed class MaxPool2dLayer(Pool2dSettings settings) : StatelessLayer
{
    public override string Type => "MaxPool2d";
    public override string Details => Describe(settings);
    public override int[] OutputShape(IReadOnlyList<int> input) => MaxPool2d.OutputShape(input, settings);
    public override void Forward(Tensor x, Tensor y) => MaxPool2d.Forward(x, y, settings);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => MaxPool2d.Backward(x, dy, dx, settings);

    internal static string Describe(Pool2dSettings s) => s.Text;
}

public sealed class AvgPool2dLayer(Pool2dSettings settings, bool countIncludePad = true) : StatelessLayer
{
    public override string Type => "AvgPool2d";
    public override string Details => MaxPool2dLayer.Describe(settings);
    public override int[] OutputShape(IReadOnlyList<int> input) => AvgPool2d.OutputShape(input, settings);
    public override void Forward(Tensor x, Tensor y) => AvgPool2d.Forward(x, y, settings, countIncludePad);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => AvgPool2d.Backward(dy, dx, settings, countIncludePad);
}

/// <summary>torchvision's adaptive average pool: any input size reaches the classifier.</summary>
public sealed class AdaptiveAvgPool2dLayer(int height, int width) : StatelessLayer
{
    public override string Type => "AdaptiveAvgPool2d";
    public override string Details => $"to {height}x{width}";
    public override int[] OutputShape(IReadOnlyList<int> input) => AdaptiveAvgPool2d.OutputShape(input, height, width);
    public override void Forward(Tensor x, Tensor y) => AdaptiveAvgPool2d.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => AdaptiveAvgPool2d.Backward(dy, dx);
}

public sealed class LocalResponseNormLayer(LocalResponseNormSettings settings) : StatelessLayer
{
    public override string Type => "LocalResponseNorm";
    public override string Details => settings.ToString();
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => LocalResponseNorm.Forward(x, y, settings);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => LocalResponseNorm.Backward(x, dy, dx, settings);
}
