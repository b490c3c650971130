using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>
/// BatchNorm2d at inference as a per-channel scale and shift. Only where no convolution precedes it
/// (DenseNet's BN -> ReLU -> conv); elsewhere it is folded into the convolution.
/// </summary>
public sealed class BatchNormLayer(Tensor scale, Tensor shift, double eps) : UnaryLayer
{
    public override string Type => "BatchNorm2d";
    public override string Details => $"{scale.Length} channels, eps {eps:G}";
    public override long ParameterCount => 4L * scale.Length;

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        if (input.Count != 4 || input[1] != scale.Length)
            throw new ShapeException($"BatchNorm2d {Details}: expected input [N, {scale.Length}, H, W], got {Tensor.Format(input)}");
        return [.. input];
    }

    public override void Forward(Tensor x, Tensor y) => BatchNorm2d.Forward(x, scale, shift, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => BatchNorm2d.BackwardInput(dy, scale, dx);

    public override void Dispose()
    {
        base.Dispose();
        scale.Dispose();
        shift.Dispose();
    }
}
