using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Average pooling over a window (PyTorch's AvgPool2d, ONNX's AveragePool).</summary>
public sealed class AvgPool2dLayer(Pool2dSettings settings, bool countIncludePad = true) : StatelessLayer
{
    /// <summary>The window, for what reads the geometry (receptive fields).</summary>
    public Pool2dSettings Settings => settings;
    public override string Type => "AvgPool2d";
    public override string Details => settings.Text + (countIncludePad ? "" : ", padding not counted");
    public override int[] OutputShape(IReadOnlyList<int> input) => AvgPool2d.OutputShape(input, settings);
    public override void Forward(Tensor x, Tensor y) => AvgPool2d.Forward(x, y, settings, countIncludePad);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => AvgPool2d.Backward(dy, dx, settings, countIncludePad);
}
