using DeepVis.Nets.Weights;

namespace DeepVis.WeightsConverter;

/// <summary>
/// One Keras layer's weights in the order its weight_names attribute lists them, each named as
/// there ("block1_conv1/kernel:0") and shaped as stored: conv kernels HWIO (kh, kw, in, out),
/// dense kernels (in, out), biases (out).
/// </summary>
public sealed record KerasLayer(string Name, IReadOnlyList<WeightTensor> Weights)
{
    public override string ToString() => $"{Name} ({string.Join(", ", Weights)})";
}
