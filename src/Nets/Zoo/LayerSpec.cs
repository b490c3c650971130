using DeepVis.Kernels.Layers;
using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// One layer of an architecture, before weights: its torchvision address, its friendly aliases, and
/// how to build it. Widths are not part of the spec; they come from the weight tensors, checked
/// against the shape flowing in (<see cref="ShapeCursor"/>).
/// </summary>
public abstract record LayerSpec(string Address, IReadOnlyList<string> Aliases)
{
    public abstract ILayer Build(Device device, WeightsFile weights, ShapeCursor cursor);

    /// <summary>The names of the tensors this layer reads from a weights file.</summary>
    public virtual IEnumerable<string> TensorNames => [];
}

/// <summary>The per-item shape [C, H, W] or [F] reaching the next layer while a network is assembled.</summary>
public sealed class ShapeCursor(int[] itemShape)
{
    public int[] ItemShape { get; set; } = itemShape;
    public int Features => ItemShape.Aggregate(1, (a, b) => a * b);
}

public sealed record ConvSpec(string Address, IReadOnlyList<string> Aliases, int Kernel, int Stride, int Padding)
    : LayerSpec(Address, Aliases)
{
    public override IEnumerable<string> TensorNames => [$"{Address}.weight", $"{Address}.bias"];

    public override ILayer Build(Device device, WeightsFile weights, ShapeCursor cursor)
    {
        var channels = cursor.ItemShape[0];
        var weight = Tensors.Require(weights, $"{Address}.weight", 4,
            s => s[1] == channels && s[2] == Kernel && s[3] == Kernel, $"[out, {channels}, {Kernel}, {Kernel}]");
        var bias = Tensors.Require(weights, $"{Address}.bias", 1, s => s[0] == weight.Shape[0], $"[{weight.Shape[0]}]");
        var layer = new Conv2dLayer(Tensors.Upload(device, weight), Tensors.Upload(device, bias), Conv2dSettings.Square(Stride, Padding));
        cursor.ItemShape = layer.OutputShape([1, .. cursor.ItemShape])[1..];
        return layer;
    }
}

public sealed record LinearSpec(string Address, IReadOnlyList<string> Aliases) : LayerSpec(Address, Aliases)
{
    public override IEnumerable<string> TensorNames => [$"{Address}.weight", $"{Address}.bias"];

    public override ILayer Build(Device device, WeightsFile weights, ShapeCursor cursor)
    {
        var features = cursor.Features;
        var weight = Tensors.Require(weights, $"{Address}.weight", 2, s => s[1] == features, $"[out, {features}]");
        var bias = Tensors.Require(weights, $"{Address}.bias", 1, s => s[0] == weight.Shape[0], $"[{weight.Shape[0]}]");
        cursor.ItemShape = [weight.Shape[0]];
        return new LinearLayer(Tensors.Upload(device, weight), Tensors.Upload(device, bias));
    }
}

/// <summary>A layer without weights whose output shape follows from its input.</summary>
public sealed record StatelessSpec(string Address, IReadOnlyList<string> Aliases, Func<StatelessLayer> Create)
    : LayerSpec(Address, Aliases)
{
    public override ILayer Build(Device device, WeightsFile weights, ShapeCursor cursor)
    {
        var layer = Create();
        cursor.ItemShape = layer.OutputShape([1, .. cursor.ItemShape])[1..];
        return layer;
    }
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
