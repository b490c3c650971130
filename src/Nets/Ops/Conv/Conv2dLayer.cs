using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;

namespace DeepVis.Ops;

/// <summary>
/// A convolution with its OIHW weight and optional bias on the device; <paramref name="type"/> says
/// when a BatchNorm was folded into it ("Conv2d+BatchNorm2d").
/// </summary>
public sealed class Conv2dLayer(Tensor weight, Tensor? bias, Conv2dSettings settings, string type = "Conv2d") : UnaryLayer
{
    public Tensor Weight { get; } = weight;
    public Tensor? Bias { get; } = bias;
    public Conv2dSettings Settings { get; } = settings;
    public override string Type => type;
    public override string Details =>
        $"{Weight.Shape[1] * Settings.Groups}->{Weight.Shape[0]}, {Weight.Shape[2]}x{Weight.Shape[3]}, {Settings.Text}";
    public override long ParameterCount => Weight.Length + (Bias?.Length ?? 0);

    public override int[] OutputShape(IReadOnlyList<int> input)
    {
        var channels = Weight.Shape[1] * Settings.Groups;
        if (input.Count != 4 || input[1] != channels)
            throw new ShapeException($"{Type} {Details}: expected input [N, {channels}, H, W], got {Tensor.Format(input)}");
        var (h, w) = Conv2d.OutputSize(input[2], input[3], Weight.Shape[2], Weight.Shape[3], Settings);
        return [input[0], Weight.Shape[0], h, w];
    }

    /// <summary>The weights as the cpu device's products read them, made on first use (nothing on GPUs).</summary>
    private readonly Conv2dPrepared _prepared = new(weight);

    /// <summary>Floats held by the weights' prepared forms (counted in the device's memory).</summary>
    internal long PreparedFloats => _prepared.Floats;

    public override void Forward(Tensor x, Tensor y) =>
        Conv2d.Forward(x, Weight, Bias, y, Settings, _prepared, Conv2dCpuAlgorithm.Auto);

    public override void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) =>
        Conv2d.BackwardInput(dy, Weight, dx, Settings, _prepared, Conv2dCpuAlgorithm.Auto);

    public override void Dispose()
    {
        base.Dispose();
        _prepared.Dispose();
        Weight.Dispose();
        Bias?.Dispose();
    }
}
