using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;

namespace DeepVis.Nets.Layers;

/// <summary>A convolution with its OIHW weight and bias on the device.</summary>
public sealed class Conv2dLayer(Tensor weight, Tensor bias, Conv2dSettings settings) : ILayer
{
    public Tensor Weight { get; } = weight;
    public Tensor Bias { get; } = bias;
    public string Type => "Conv2d";
    public string Details => $"{InputChannels}->{Weight.Shape[0]}, {Weight.Shape[2]}x{Weight.Shape[3]}, {settings.Text}";
    private int InputChannels => Weight.Shape[1] * settings.Groups;
    public long ParameterCount => Weight.Length + Bias.Length;

    public int[] OutputShape(IReadOnlyList<int> input)
    {
        if (input.Count != 4 || input[1] != InputChannels)
            throw new ShapeException($"Conv2d {Details}: expected input [N, {InputChannels}, H, W], got {Tensor.Format(input)}");
        var (h, w) = Conv2d.OutputSize(input[2], input[3], Weight.Shape[2], Weight.Shape[3], settings);
        return [input[0], Weight.Shape[0], h, w];
    }

    public void Forward(Tensor x, Tensor y) => Conv2d.Forward(x, Weight, Bias, y, settings);
    public void Backward(Tensor x, Tensor y, Tensor dy, Tensor dx) => Conv2d.BackwardInput(dy, Weight, dx, settings);

    public void Dispose()
    {
        Weight.Dispose();
        Bias.Dispose();
    }
}
