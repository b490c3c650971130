using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>BatchNorm2d at inference: a per-channel scale and shift from gamma, beta and the running statistics.</summary>
public sealed record BatchNormSpec(string Address, IReadOnlyList<string> Aliases, double Eps = 1e-5) : LayerSpec(Address, Aliases)
{
    public override void Validate(string arch)
    {
        if (BatchNormalizationOp.Problem(Eps) is { } problem) throw new WeightsException($"{arch}: node '{Address}' (BatchNormalization): {problem}");
    }

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
