using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Max pooling over a window (PyTorch's MaxPool2d, ONNX's MaxPool).</summary>
public sealed class MaxPool2dLayer(Pool2dSettings settings) : StatelessLayer
{
    /// <summary>The window, for what reads the geometry (receptive fields).</summary>
    public Pool2dSettings Settings => settings;
    public override string Type => "MaxPool2d";
    public override string Details => settings.Text;
    public override int[] OutputShape(IReadOnlyList<int> input) => MaxPool2d.OutputShape(input, settings);
    public override void Forward(Tensor x, Tensor y) => MaxPool2d.Forward(x, y, settings);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => MaxPool2d.Backward(x, dy, dx, settings);
}
