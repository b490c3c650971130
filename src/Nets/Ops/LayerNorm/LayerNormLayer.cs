using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>Layer normalization over <see cref="Count"/> axes from <see cref="Axis"/> (ConvNeXt's LayerNorm2d: axis 1 of NCHW; nn.LayerNorm: the last).</summary>
public sealed class LayerNormLayer(Tensor weight, Tensor bias, int axis, int count, float eps) : UnaryLayer
{
    public Tensor Weight { get; } = weight;
    public Tensor Bias { get; } = bias;
    public int Axis { get; } = axis;
    public int Count { get; } = count;
    public float Eps { get; } = eps;
    public override string Type => "LayerNorm";
    public override string Details => $"{Weight.Length}, axis {Axis}{(Count > 1 ? $" to {Axis + Count - 1}" : "")}, eps {Eps:G}";
    public override long ParameterCount => Weight.Length + Bias.Length;

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        if (LayerNorm.Side(input, Axis, Count) != Weight.Length)
            throw new ShapeException($"LayerNorm {Details}: input {Tensor.Format(input)} has {LayerNorm.Side(input, Axis, Count)} values to normalize, expected {Weight.Length}");
        return [.. input];
    }

    public override void Forward(Tensor x, Tensor y) => LayerNorm.Forward(x, Weight, Bias, y, Axis, Count, Eps);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => LayerNorm.BackwardInput(x, Weight, dy, dx, Axis, Count, Eps);

    public override void Dispose()
    {
        base.Dispose();
        Weight.Dispose();
        Bias.Dispose();
    }
}
