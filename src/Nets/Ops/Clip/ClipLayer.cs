using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>clip(x, min, max): ReLU6 (MobileNetV2) is clip(x, 0, 6).</summary>
public sealed class ClipLayer(float min, float max) : StatelessLayer
{
    public ReluGradient Gradient { get; set; } = ReluGradient.Standard;
    public override string Type => min == 0f && max == 6f ? "ReLU6" : "Hardtanh";
    public override string Details => $"clip to {min:G}..{max:G}";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Clip.Forward(x, y, min, max);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Clip.BackwardInput(x, dy, dx, min, max, Gradient);
}
