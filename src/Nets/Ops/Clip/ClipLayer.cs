using DeepVis.Kernels.Runtime;
using DeepVis.Kernels.Unary;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>clip(x, min, max): ReLU6 (MobileNetV2) is clip(x, 0, 6).</summary>
public sealed class ClipLayer(float min, float max) : StatelessLayer
{
    private readonly Clip _function = new(min, max);

    /// <summary>With <see cref="ReluGradient.PassThrough"/>, the gradient passes everywhere (a plain copy), as for ReLU.</summary>
    public ReluGradient Gradient { get; set; } = ReluGradient.Standard;
    public override string Type => min == 0f && max == 6f ? "ReLU6" : "Hardtanh";
    public override string Details => $"clip to {min:G}..{max:G}";
    public override int[] OutputShape(IReadOnlyList<int> input) => [.. input];
    public override void Forward(Tensor x, Tensor y) => UnaryKernels.Forward(_function, x, y);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx)
    {
        if (Gradient != ReluGradient.PassThrough) UnaryKernels.Backward(_function, x, y, dy, dx);
        else if (!ReferenceEquals(dy, dx)) dy.CopyTo(dx);
    }
}
