using DeepVis.Nets.Weights;
using static DeepVis.Nets.Zoo.SqueezeExcitation;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's RegNet X and Y: the stem (3x3 stride-2 Conv2dNormActivation, ReLU), stages
/// trunk_output.block1 ... of ResBottleneckBlocks trunk_output.blockS.blockS-B (a 1x1, a grouped 3x3
/// carrying the stage's stride 2 in its first block, RegNetY's squeeze-excitation with ReLU and a sigmoid
/// gate, a 1x1; the shortcut through a strided 1x1 projection where the shape changes; the sum, then
/// ReLU), average pool and fc. Widths, groups, depths and squeeze-excitation come from the tensors.
/// </summary>
internal static class RegNet
{
    /// <summary>The published models by their fc's input width (the last stage's).</summary>
    private static readonly (string Name, int Width)[] Published =
    [
        ("regnet_y_400mf", 440), ("regnet_y_800mf", 784), ("regnet_y_1_6gf", 888), ("regnet_y_3_2gf", 1512),
        ("regnet_y_8gf", 2016), ("regnet_y_16gf", 3024), ("regnet_y_32gf", 3712), ("regnet_y_128gf", 7392),
        ("regnet_x_400mf", 400), ("regnet_x_800mf", 672), ("regnet_x_1_6gf", 912), ("regnet_x_3_2gf", 1008),
        ("regnet_x_8gf", 1920), ("regnet_x_16gf", 2048), ("regnet_x_32gf", 2520),
    ];

    public static ModelFamily Family { get; } = new()
    {
        Names = [.. Published.Select(p => p.Name)],
        Signature = "trunk_output.block1.block1-0.f.a.0.weight",
        NameFor = NameFor,
        Layout = (arch, tensors) => tensors is null ? null : Layout(arch, tensors),
    };

    private static bool HasGates(IReadOnlyDictionary<string, int[]> tensors) => tensors.Keys.Any(k => k.Contains(".f.se.fc1.", StringComparison.Ordinal));

    private static string NameFor(IReadOnlyDictionary<string, int[]> tensors)
    {
        var kind = HasGates(tensors) ? "regnet_y_" : "regnet_x_";
        var width = tensors.GetValueOrDefault("fc.weight") is [_, var w] ? w : 0;
        return Published.FirstOrDefault(p => p.Width == width && p.Name.StartsWith(kind, StringComparison.Ordinal)).Name ?? $"{kind}400mf";
    }

    private static Architectures.Layout Layout(string arch, IReadOnlyDictionary<string, int[]> tensors)
    {
        var g = new GraphBuilder();
        g.ConvNormActivation(tensors, "stem", 2, 1e-5, Relu);
        var stages = Enumerable.Range(1, 16).TakeWhile(s => tensors.ContainsKey($"trunk_output.block{s}.block{s}-0.f.a.0.weight")).Count();
        for (var s = 1; s <= stages; s++)
        {
            var blocks = Count(tensors, $"trunk_output.block{s}.block{s}-");
            for (var b = 0; b < blocks; b++) Block(g, tensors, arch, $"trunk_output.block{s}.block{s}-{b}", b == 0 ? 2 : 1);
            g.Alias(g.Last, $"trunk_output.block{s}");
        }
        g.Alias(g.Last, "trunk_output");
        g.GlobalAvgPool("avgpool");
        return new Architectures.Layout(g.Nodes, [new LinearSpec("fc", ["logits"])]);
    }

    private static void Block(GraphBuilder g, IReadOnlyDictionary<string, int[]> tensors, string arch, string p, int stride)
    {
        var input = g.Last;
        var shortcut = tensors.ContainsKey($"{p}.proj.0.weight") ? g.ConvNormActivation(tensors, $"{p}.proj", stride, 1e-5, null, input) : input;
        g.ConvNormActivation(tensors, $"{p}.f.a", 1, 1e-5, Relu, input);
        g.ConvNormActivation(tensors, $"{p}.f.b", stride, 1e-5, Relu);
        if (tensors.ContainsKey($"{p}.f.se.fc1.weight")) g.Gate($"{p}.f.se", Relu, Sigmoid);
        var transformed = g.ConvNormActivation(tensors, $"{p}.f.c", 1, 1e-5, null);
        g.Alias(transformed, $"{p}.f");
        g.AddValues($"{p}.add", shortcut, transformed);
        g.Stateless($"{p}.activation", Relu);
        g.Alias(g.Last, p);
    }
}
