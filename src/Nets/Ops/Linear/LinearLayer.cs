using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>A fully-connected layer; its input is flattened per batch item in C,H,W order.</summary>
public sealed class LinearLayer(Tensor weight, Tensor bias) : UnaryLayer
{
    public Tensor Weight { get; } = weight;
    public Tensor Bias { get; } = bias;
    public override string Type => "Linear";
    public override string Details => $"{Weight.Shape[1]}->{Weight.Shape[0]}";
    public override long ParameterCount => Weight.Length + Bias.Length;

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        var features = input.Skip(1).Aggregate(1, (a, b) => a * b);
        if (features != Weight.Shape[1])
            throw new ShapeException($"Linear {Details}: input {Tensor.Format(input)} flattens to {features} features, expected {Weight.Shape[1]}");
        return [input[0], Weight.Shape[0]];
    }

    public override void Forward(Tensor x, Tensor y) => Linear.Forward(x, Weight, Bias, y);
    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Linear.BackwardInput(dy, Weight, dx);

    public override void Dispose()
    {
        base.Dispose();
        Weight.Dispose();
        Bias.Dispose();
    }
}
