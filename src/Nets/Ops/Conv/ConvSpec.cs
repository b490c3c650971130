using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>
/// A convolution; the kernel size is checked against the weight, the groups follow from it
/// (weight [O, C/groups, KH, KW]). torchvision's ResNet, GoogLeNet, Inception and MobileNet
/// convolutions have no bias.
/// </summary>
public sealed record ConvSpec(string Address, IReadOnlyList<string> Aliases, int KernelH, int KernelW, Conv2dSettings Settings, bool HasBias = true)
    : LayerSpec(Address, Aliases)
{
    public ConvSpec(string address, IReadOnlyList<string> aliases, int kernel, int stride, int padding, bool hasBias = true)
        : this(address, aliases, kernel, kernel, Conv2dSettings.Square(stride, padding), hasBias)
    {
    }

    public override void Validate(string arch)
    {
        if (ConvOp.Problem(KernelH, KernelW, Settings) is { } problem) throw new WeightsException($"{arch}: node '{Address}' (Conv): {problem}");
    }

    public override IEnumerable<string> TensorNames => HasBias ? [$"{Address}.weight", $"{Address}.bias"] : [$"{Address}.weight"];

    public override ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs)
    {
        var (weight, bias, settings) = Load(weights, inputs);
        return new Conv2dLayer(Tensors.Upload(device, weight), bias is null ? null : Tensors.Upload(device, bias), settings);
    }

    /// <summary>The checked weight, bias and settings with the groups the weight implies.</summary>
    public (WeightTensor Weight, WeightTensor? Bias, Conv2dSettings Settings) Load(WeightsFile weights, IReadOnlyList<int[]> inputs)
    {
        var channels = inputs[0][0];
        var weight = Tensors.Require(weights, $"{Address}.weight", 4,
            s => s[1] > 0 && channels % s[1] == 0 && s[0] % (channels / s[1]) == 0 && s[2] == KernelH && s[3] == KernelW,
            $"[out, {channels} / groups, {KernelH}, {KernelW}]");
        var bias = HasBias ? Tensors.Require(weights, $"{Address}.bias", 1, s => s[0] == weight.Shape[0], $"[{weight.Shape[0]}]") : null;
        return (weight, bias, Settings with { Groups = channels / weight.Shape[1] });
    }
}
