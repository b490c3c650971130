using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Ops;

/// <summary>
/// Arithmetic of a computed value and a constant stored as the node's <c>weight</c> tensor, shaped as
/// an item or fewer trailing axes of one (a scalar [1], a per-channel [C, 1, 1], a full [C, H, W]).
/// </summary>
public sealed record ElementwiseSpec(string Address, IReadOnlyList<string> Aliases, BinaryKind Kind, bool ConstantFirst) : LayerSpec(Address, Aliases)
{
    public override IEnumerable<string> TensorNames => [$"{Address}.weight"];

    public override ILayer Build(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs)
    {
        var rank = inputs[0].Length;
        var name = $"{Address}.weight";
        var tensor = weights.Find(name)
            ?? throw new WeightsException($"{weights.Info.Arch}: weight tensor '{name}' is missing (expected a constant of at most {rank} axes)");
        if (tensor.Shape.Length == 0 || tensor.Shape.Length > rank)
            throw new WeightsException($"{weights.Info.Arch}: weight tensor '{name}' has shape {tensor.ShapeText}, expected 1 to {rank} axes (an item of the input or its trailing axes)");
        return new ElementwiseLayer(Kind, Tensors.Upload(device, tensor), ConstantFirst);
    }
}
