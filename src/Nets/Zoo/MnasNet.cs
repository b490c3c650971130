using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Ops;
using static DeepVis.Nets.Zoo.SqueezeExcitation;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's MNASNet (0.5, 0.75, 1.0, 1.3; version 1 and 2 stems alike, widths from the tensors):
/// layers.0-7 (3x3 stride-2 conv, BN, ReLU, depthwise 3x3, BN, ReLU, 1x1, BN), six stacks layers.8-13
/// of inverted residual blocks (1x1, BN, ReLU, depthwise kxk, BN, ReLU, 1x1, BN; a residual add where
/// the stride is 1 and the width kept; the stacks' strides 2, 2, 2, 1, 2, 1), the 1x1 head layers.14-16,
/// the mean over H and W (a ReduceMean node, "mean") and the classifier (Dropout, Linear).
/// </summary>
internal static class MnasNet
{
    private static readonly int[] Strides = [2, 2, 2, 1, 2, 1];

    /// <summary>The published models by the width of their last stack (320 alpha, rounded to 8).</summary>
    private static readonly (string Name, int Width)[] Published = [("mnasnet0_5", 160), ("mnasnet0_75", 240), ("mnasnet1_0", 320), ("mnasnet1_3", 416)];

    public static ModelFamily Family { get; } = new()
    {
        Names = [.. Published.Select(p => p.Name)],
        Signature = "layers.8.0.layers.0.weight",
        NameFor = tensors => Published.FirstOrDefault(p => tensors.GetValueOrDefault("layers.13.0.layers.6.weight") is [var w, ..] && w == p.Width).Name ?? "mnasnet1_0",
        Layout = (arch, tensors) => tensors is null ? null : Layout(arch, tensors),
    };

    private static Architectures.Layout Layout(string arch, IReadOnlyDictionary<string, int[]> tensors)
    {
        var g = new GraphBuilder();
        g.Conv("layers.0", 3, 2, 1);
        g.BatchNorm("layers.1");
        g.Stateless("layers.2", Relu);
        g.Conv("layers.3", 3, 1, 1);
        g.BatchNorm("layers.4");
        g.Stateless("layers.5", Relu);
        g.Conv("layers.6", 1);
        var channels = Shape(tensors, arch, "layers.6.weight", 4)[0];
        g.BatchNorm("layers.7");
        for (var s = 0; s < Strides.Length; s++)
        {
            var stack = $"layers.{8 + s}";
            var blocks = Count(tensors, $"{stack}.");
            if (blocks == 0) throw new WeightsException($"{arch}: stack {stack} has no blocks (expected {stack}.0.layers.0.weight)");
            for (var b = 0; b < blocks; b++) channels = Block(g, tensors, arch, $"{stack}.{b}", b == 0 ? Strides[s] : 1, channels);
            g.Alias(g.Last, stack);
        }
        g.Conv("layers.14", 1);
        g.BatchNorm("layers.15");
        g.Stateless("layers.16", Relu);
        g.Alias(g.Last, "layers");
        g.Stateless("mean", () => new ReduceLayer(ReduceKind.Mean, [2, 3], false));
        return new Architectures.Layout(g.Nodes,
        [
            new StatelessSpec("classifier.0", [], () => new DropoutLayer()),
            new LinearSpec("classifier.1", ["logits"]),
        ]);
    }

    private static int Block(GraphBuilder g, IReadOnlyDictionary<string, int[]> tensors, string arch, string p, int stride, int inputChannels)
    {
        var input = g.Last;
        g.Conv($"{p}.layers.0", 1);
        g.BatchNorm($"{p}.layers.1");
        g.Stateless($"{p}.layers.2", Relu);
        var kernel = Shape(tensors, arch, $"{p}.layers.3.weight", 4)[2];
        g.Conv($"{p}.layers.3", kernel, stride, kernel / 2);
        g.BatchNorm($"{p}.layers.4");
        g.Stateless($"{p}.layers.5", Relu);
        g.Conv($"{p}.layers.6", 1);
        g.BatchNorm($"{p}.layers.7");
        g.Alias(g.Last, $"{p}.layers");
        var outputChannels = Shape(tensors, arch, $"{p}.layers.6.weight", 4)[0];
        g.Residual(p, input, stride == 1 && inputChannels == outputChannels);
        return outputChannels;
    }
}
