using DeepVis.Kernels.Runtime;
using DeepVis.Nets;

namespace DeepVis;

/// <summary>One node of a network as <c>deepvis layers</c> lists it.</summary>
/// <param name="Index">Its position in the network's order, which also addresses it.</param>
/// <param name="Address">Its torchvision-style address, e.g. <c>layer3.1</c>.</param>
/// <param name="Aliases">Other names it answers to, e.g. <c>layer3</c> or <c>conv4_3</c>.</param>
/// <param name="Type">The op, e.g. <c>Conv2d+BatchNorm2d</c>.</param>
/// <param name="Details">The op's settings in words (kernel, stride, ...).</param>
/// <param name="Inputs">The indices of the nodes it reads, <see cref="Network.InputIndex"/> for the input.</param>
/// <param name="OutputShape">[N, C, H, W] or [N, F] for one image at the size asked, null where it does not fit.</param>
/// <param name="Problem">Why this node cannot take its input at that size, when it is the node that does not fit.</param>
/// <param name="Parameters">How many weights it holds.</param>
/// <param name="Note">What the model's builder noted about it (a folded BatchNorm, a reused module).</param>
public sealed record LayerInfo(int Index, string Address, IReadOnlyList<string> Aliases, string Type, string Details, IReadOnlyList<int> Inputs,
    int[]? OutputShape, string? Problem, long Parameters, string? Note)
{
    /// <summary>
    /// Every node of <paramref name="network"/> for one image of <paramref name="side"/> x <paramref name="side"/>:
    /// a node that cannot take its input shapes has a <see cref="Problem"/>, and it and every node after
    /// it that reads it have no output shape (a graph's later layers may need a particular size).
    /// </summary>
    public static IReadOnlyList<LayerInfo> Of(Network network, int side)
    {
        var input = new[] { 1, network.Info.InputChannels, side, side };
        var shapes = new int[]?[network.Layers.Count];
        var layers = new List<LayerInfo>();
        foreach (var l in network.Layers)
        {
            var reads = l.Inputs.Select(i => i == Network.InputIndex ? input : shapes[i]).ToList();
            string? problem = null;
            if (reads.All(shape => shape is not null))
            {
                try
                {
                    shapes[l.Index] = l.Layer.OutputShape([.. reads.Select(shape => shape!)]);
                }
                catch (ShapeException e)
                {
                    problem = e.Message;
                }
            }
            layers.Add(new LayerInfo(l.Index, l.Address, l.Aliases, l.Layer.Type, l.Layer.Details, l.Inputs, shapes[l.Index], problem,
                l.Layer.ParameterCount, l.Note));
        }
        return layers;
    }
}
