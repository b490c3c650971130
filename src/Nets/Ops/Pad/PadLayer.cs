using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Padding of H and W (ONNX Pad: constant of any value, reflect, edge).</summary>
public sealed class PadLayer(Pad2dSettings settings) : StatelessLayer
{
    public override string Type => "Pad";
    public override string Details => settings.Text;
    public override int[] OutputShape(IReadOnlyList<int> input) => settings.OutputShape(input);
    public override void Forward(Tensor x, Tensor y) => Pad2d.Forward(x, y, settings);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Pad2d.Backward(dy, dx, settings);
}
