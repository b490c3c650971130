using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>Layer normalization with weight and bias, one value per normalized element (their product of sides; shaped as torch's normalized_shape).</summary>
public sealed record LayerNormSpec(string Address, IReadOnlyList<string> Aliases, int Axis, int Count = 1, double Eps = 1e-6) : LayerSpec(Address, Aliases)
{
    public override void Validate(string arch)
    {
        if (LayerNorm.Problem(Eps) is { } problem) throw new WeightsException($"{arch}: node '{Address}' (LayerNorm): {problem}");
    }

    public override IEnumerable<string> TensorNames => [$"{Address}.weight", $"{Address}.bias"];

    public override ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs)
    {
        // The per-item shape: axis a of the batched tensor is item axis a - 1.
        var side = LayerNorm.Side([1, .. inputs[0]], Axis, Count);
        WeightTensor Get(string name) => Tensors.Require(weights, $"{Address}.{name}", weights.Find($"{Address}.{name}")?.Shape.Length ?? 1,
            s => s.Aggregate(1, (a, b) => a * b) == side, $"{side} values");
        var (weight, bias) = (Get("weight"), Get("bias"));
        return new LayerNormLayer(Tensor.FromArray(device, weight.Data, side), Tensor.FromArray(device, bias.Data, side), Axis, Count, (float)Eps);
    }
}
