using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Nearest or bilinear resizing of H and W (ONNX Resize and Upsample).</summary>
public sealed class ResizeLayer(Resize2dSettings settings) : StatelessLayer
{
    public override string Type => "Resize";
    public override string Details => settings.Text;
    public override int[] OutputShape(IReadOnlyList<int> input) => settings.OutputShape(input);
    public override void Forward(Tensor x, Tensor y) => Resize2d.Forward(x, y, settings);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Resize2d.Backward(dy, dx, settings);
}
