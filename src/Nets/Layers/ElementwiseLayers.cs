using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets.Layers;

/// <summary>ReLU; <see cref="Gradient"/> can be switched to pass-through for activation maximization.</summary>
public sealed class ReluLayer : StatelessLayer
{
    public ReluGradient Gradient { get; set; } = ReluGradient.Standard;
    public override string Type => "ReLU";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Relu.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Relu.Backward(x, dy, dx, Gradient);
}

/// <summary>Dropout at inference: the identity.</summary>
public sealed class DropoutLayer : StatelessLayer
{
    public override string Type => "Dropout";
    public override string Details => "identity at inference";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => Dropout.Forward(x, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Dropout.Backward(dy, dx);
}

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

/// <summary>torch.flatten(x, 1): [N, C, H, W] to [N, C*H*W] (SqueezeNet's logits), the same elements.</summary>
public sealed class FlattenLayer : StatelessLayer
{
    public override string Type => "Flatten";
    public override int[] OutputShape(IReadOnlyList<int> input) => [input[0], input.Skip(1).Aggregate(1, (a, b) => a * b)];
    public override void Forward(Tensor x, Tensor y) => x.CopyElementsTo(y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => dy.CopyElementsTo(dx);
}
