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

    /// <summary>
    /// Refuses settings out of range with a <see cref="WeightsException"/> naming the node (the op's
    /// declaration says which): called for every node when a network is built, before anything is allocated.
    /// </summary>
    public virtual void Validate(string arch)
    {
    }

    /// <summary>The names of the tensors this layer reads from a weights file.</summary>
    public virtual IEnumerable<string> TensorNames => [];
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
