using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>nn.Linear applied along the last axis of a value of any rank (ConvNeXt's pointwise layers on NHWC): weight [out, in], bias [out].</summary>
public sealed record MatMulSpec(string Address, IReadOnlyList<string> Aliases) : LayerSpec(Address, Aliases)
{
    public override IEnumerable<string> TensorNames => [$"{Address}.weight", $"{Address}.bias"];

    public override ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs)
    {
        var features = inputs[0][^1];
        var weight = Tensors.Require(weights, $"{Address}.weight", 2, s => s[1] == features, $"[out, {features}]");
        var bias = Tensors.Require(weights, $"{Address}.bias", 1, s => s[0] == weight.Shape[0], $"[{weight.Shape[0]}]");
        return new MatMulLayer(Tensors.Upload(device, weight), Tensors.Upload(device, bias));
    }
}
