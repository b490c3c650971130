using DeepVis.Kernels.Runtime;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// Folds each BatchNorm that reads a convolution nothing else reads into that convolution:
/// w' = w * scale[o], b' = b * scale[o] + shift[o]. One kernel instead of two per layer, and the same
/// values as the two would give. DenseNet's BN -> ReLU -> conv order keeps standalone BatchNorms.
/// </summary>
public static class BatchNormFolding
{
    /// <summary>A node to build: its spec (inputs resolved) and how to build it.</summary>
    public sealed record Node(LayerSpec Spec, Func<Device, WeightsFile, IReadOnlyList<int[]>, ILayer> Build, string? Note);

    /// <summary>The nodes left after folding, and for each folded convolution the BatchNorm that now holds it.</summary>
    public sealed record Result(IReadOnlyList<Node> Nodes, IReadOnlyDictionary<string, string> FoldedInto);

    public static Result Plan(IReadOnlyList<LayerSpec> specs)
    {
        var readers = specs.SelectMany(s => s.Inputs!).GroupBy(a => a).ToDictionary(g => g.Key, g => g.Count());
        var byAddress = specs.ToDictionary(s => s.Address);
        var folded = new Dictionary<string, string>();
        var nodes = new List<Node>();
        foreach (var spec in specs)
        {
            if (spec is ConvSpec conv && readers.GetValueOrDefault(conv.Address) == 1
                && specs.FirstOrDefault(s => s.Inputs!.Contains(conv.Address)) is BatchNormSpec)
                continue;
            if (spec is BatchNormSpec bn && bn.Inputs!.Count == 1 && byAddress.GetValueOrDefault(bn.Inputs[0]) is ConvSpec source
                && readers[source.Address] == 1)
            {
                folded[source.Address] = bn.Address;
                foreach (var alias in source.Aliases) folded[alias] = bn.Address;
                nodes.Add(new Node(bn with { Inputs = source.Inputs }, (d, w, shapes) => Fold(d, w, shapes, source, bn),
                    $"{source.Address} with this BatchNorm folded in"));
                continue;
            }
            nodes.Add(new Node(spec, spec.Build, spec.Note));
        }
        return new Result(nodes, folded);
    }

    private static Conv2dLayer Fold(Device device, WeightsFile weights, IReadOnlyList<int[]> inputs, ConvSpec conv, BatchNormSpec bn)
    {
        var (weight, bias, settings) = conv.Load(weights, inputs);
        var outputs = weight.Shape[0];
        var (scale, shift) = bn.Affine(weights, outputs);
        var perFilter = weight.Data.Length / outputs;
        var w = new float[weight.Data.Length];
        var b = new float[outputs];
        for (var o = 0; o < outputs; o++)
        {
            for (var k = 0; k < perFilter; k++) w[o * perFilter + k] = (float)((double)weight.Data[o * perFilter + k] * scale[o]);
            b[o] = (float)((bias is null ? 0.0 : bias.Data[o] * (double)scale[o]) + shift[o]);
        }
        return new Conv2dLayer(Tensor.FromArray(device, w, weight.Shape), Tensor.FromArray(device, b, [outputs]), settings, "Conv2d+BatchNorm2d");
    }
}
