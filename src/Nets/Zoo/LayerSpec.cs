using DeepVis.Ops;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// One node of an architecture, before weights: its torchvision address, its friendly aliases, the
/// addresses of the values it reads (null: the node before it, or the network input for the first),
/// and how to build it. Widths are not part of the spec; they come from the weight tensors, checked
/// against the shapes flowing in.
/// </summary>
public abstract record LayerSpec(string Address, IReadOnlyList<string> Aliases)
{
    /// <summary>The addresses this node reads, in order; <see cref="GraphSpec.Input"/> is the network input.</summary>
    public IReadOnlyList<string>? Inputs { get; init; }

    /// <summary>What the address means where that needs saying (a ReLU module torchvision calls twice).</summary>
    public string? Note { get; init; }

    /// <param name="inputs">The per-item shapes ([C, H, W] or [F]) of the values this node reads.</param>
    public abstract ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs);

    /// <summary>The names of the tensors this layer reads from a weights file.</summary>
    public virtual IEnumerable<string> TensorNames => [];
}

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

/// <summary>BatchNorm2d at inference: a per-channel scale and shift from gamma, beta and the running statistics.</summary>
public sealed record BatchNormSpec(string Address, IReadOnlyList<string> Aliases, double Eps = 1e-5) : LayerSpec(Address, Aliases)
{
    public override IEnumerable<string> TensorNames =>
        [$"{Address}.weight", $"{Address}.bias", $"{Address}.running_mean", $"{Address}.running_var"];

    public override ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs)
    {
        var (scale, shift) = Affine(weights, inputs[0][0]);
        int[] shape = [scale.Length];
        return new BatchNormLayer(Tensor.FromArray(device, scale, shape), Tensor.FromArray(device, shift, shape), Eps);
    }

    /// <summary>scale = gamma / sqrt(var + eps), shift = beta - mean * scale, from the checked tensors.</summary>
    public (float[] Scale, float[] Shift) Affine(WeightsFile weights, int channels)
    {
        float[] Get(string name) => Tensors.Require(weights, $"{Address}.{name}", 1, s => s[0] == channels, $"[{channels}]").Data;
        return BatchNorm2d.Affine(Get("weight"), Get("bias"), Get("running_mean"), Get("running_var"), Eps);
    }
}

public sealed record LinearSpec(string Address, IReadOnlyList<string> Aliases) : LayerSpec(Address, Aliases)
{
    public override IEnumerable<string> TensorNames => [$"{Address}.weight", $"{Address}.bias"];

    public override ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs)
    {
        var features = inputs[0].Aggregate(1, (a, b) => a * b);
        var weight = Tensors.Require(weights, $"{Address}.weight", 2, s => s[1] == features, $"[out, {features}]");
        var bias = Tensors.Require(weights, $"{Address}.bias", 1, s => s[0] == weight.Shape[0], $"[{weight.Shape[0]}]");
        return new LinearLayer(Tensors.Upload(device, weight), Tensors.Upload(device, bias));
    }
}

/// <summary>A layer without weights whose output shape follows from its inputs (activations, pools, add, concat).</summary>
public sealed record StatelessSpec(string Address, IReadOnlyList<string> Aliases, Func<ILayer> Create)
    : LayerSpec(Address, Aliases)
{
    public override ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs) => Create();
}

internal static class Tensors
{
    /// <summary>The named tensor, or a WeightsException naming it with the expected and actual shapes.</summary>
    public static WeightTensor Require(WeightsFile weights, string name, int rank, Func<int[], bool> fits, string expected)
    {
        var tensor = weights.Find(name)
            ?? throw new WeightsException($"{weights.Info.Arch}: weight tensor '{name}' is missing (expected shape {expected})");
        if (tensor.Shape.Length != rank || !fits(tensor.Shape))
            throw new WeightsException($"{weights.Info.Arch}: weight tensor '{name}' has shape {tensor.ShapeText}, expected {expected}");
        return tensor;
    }

    public static Tensor Upload(Device device, WeightTensor t) => Tensor.FromArray(device, t.Data, t.Shape);
}
