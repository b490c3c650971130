using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>A linear layer along the last axis: [.., in] to [.., out], every position a row (the linear layer's kernels).</summary>
public sealed class MatMulLayer(Tensor weight, Tensor bias) : UnaryLayer
{
    public Tensor Weight { get; } = weight;
    public Tensor Bias { get; } = bias;
    public override string Type => "Linear";
    public override string Details => $"{Weight.Shape[1]}->{Weight.Shape[0]}, last axis";
    public override long ParameterCount => Weight.Length + Bias.Length;

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        if (input.Count < 2 || input[^1] != Weight.Shape[1])
            throw new ShapeException($"Linear {Details}: input {Tensor.Format(input)} has no last axis of {Weight.Shape[1]}");
        return [.. input.SkipLast(1), Weight.Shape[0]];
    }

    public override void Forward(Tensor x, Tensor y) => Linear.ForwardLastAxis(x, Weight, Bias, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Linear.BackwardInputLastAxis(dy, Weight, dx);

    public override void Dispose()
    {
        base.Dispose();
        Weight.Dispose();
        Bias.Dispose();
    }
}
