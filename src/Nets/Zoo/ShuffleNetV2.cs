using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's ShuffleNetV2: conv1 (3x3 stride-2 conv, BN, ReLU), maxpool, stages 2 to 4 of
/// InvertedResidual blocks, conv5 (1x1 conv, BN, ReLU), the mean over H and W and fc. A stage's first
/// block has stride 2 and two branches on its whole input (branch1: depthwise 3x3, BN, 1x1, BN, ReLU;
/// branch2: 1x1, BN, ReLU, depthwise 3x3, BN, 1x1, BN, ReLU); the others split their input in two
/// channel halves (<c>stage2.1.chunk</c>, <c>stage2.1.chunk_1</c>: x.chunk(2, dim=1)) and run branch2 on
/// the second. The halves are concatenated (<c>stage2.1.cat</c>) and shuffled in two groups
/// (<c>stage2.1.channel_shuffle</c>, also the block's address <c>stage2.1</c>). Block counts and
/// widths come from the tensors, so every width multiplier loads.
/// </summary>
internal static class ShuffleNetV2
{
    private static readonly Dictionary<int, string> ByStage2Width = new()
    {
        [48] = "shufflenet_v2_x0_5", [116] = "shufflenet_v2_x1_0", [176] = "shufflenet_v2_x1_5", [244] = "shufflenet_v2_x2_0",
    };

    public static ModelFamily Family { get; } = new()
    {
        Names = [.. ByStage2Width.Values, "shufflenet_v2"],
        Signature = "stage2.0.branch1.0.weight",
        NameFor = tensors => tensors.TryGetValue("stage2.0.branch2.0.weight", out var w) && ByStage2Width.TryGetValue(2 * w[0], out var name) ? name : "shufflenet_v2",
        Layout = (_, tensors) => tensors is null ? null : Layout(tensors),
    };

    private static Architectures.Layout Layout(IReadOnlyDictionary<string, int[]> tensors)
    {
        var modules = ModelFamily.Modules(tensors.Keys, 2);
        var g = new GraphBuilder();
        ConvNormRelu(g, "conv1", 3, 2, 1);
        g.MaxPool("maxpool", new Pool2dSettings(3, 2, 1));
        for (var s = 2; s <= 4; s++)
        {
            var blocks = Enumerable.Range(0, 64).TakeWhile(b => modules.Contains($"stage{s}.{b}")).Count();
            if (blocks == 0) throw new WeightsException($"shufflenet_v2: stage{s} has no blocks (no tensor stage{s}.0.*)");
            for (var b = 0; b < blocks; b++) Block(g, tensors, $"stage{s}.{b}", b == 0);
            g.Alias(g.Last, $"stage{s}");
        }
        ConvNormRelu(g, "conv5", 1, 1, 0);
        g.GlobalAvgPool("mean");
        return new Architectures.Layout(g.Nodes, [new LinearSpec("fc", ["logits"]) { Inputs = ["mean"] }]);
    }

    /// <summary>nn.Sequential(conv, BN, ReLU) at <paramref name="module"/>.0 .. .2; its address is the ReLU's.</summary>
    private static string ConvNormRelu(GraphBuilder g, string module, int kernel, int stride, int padding, params string[] inputs)
    {
        g.Conv($"{module}.0", kernel, stride, padding, false, inputs);
        g.BatchNorm($"{module}.1");
        var output = g.Relu($"{module}.2");
        g.Alias(output, module);
        return output;
    }

    private static void Block(GraphBuilder g, IReadOnlyDictionary<string, int[]> tensors, string p, bool downsample)
    {
        var input = g.Last;
        string left, right;
        if (downsample)
        {
            g.Conv($"{p}.branch1.0", 3, 2, 1, false, input);
            g.BatchNorm($"{p}.branch1.1");
            g.Conv($"{p}.branch1.2", 1);
            g.BatchNorm($"{p}.branch1.3");
            left = g.Relu($"{p}.branch1.4");
            g.Alias(left, $"{p}.branch1");
            right = Branch2(g, p, 2, input);
        }
        else
        {
            var half = tensors.TryGetValue($"{p}.branch2.0.weight", out var w) && w.Length == 4
                ? w[1] : throw new WeightsException($"shufflenet_v2: weight tensor '{p}.branch2.0.weight' is missing (its input width is half the block's)");
            left = g.Stateless($"{p}.chunk", () => new SliceLayer(1, 0, half, 1, false), input);
            var second = g.Stateless($"{p}.chunk_1", () => new SliceLayer(1, half, 2 * half, 1, false), input);
            right = Branch2(g, p, 1, second);
        }
        g.Concat($"{p}.cat", left, right);
        g.Alias(g.Stateless($"{p}.channel_shuffle", () => TransposeLayer.ChannelShuffle(2)), p);
    }

    private static string Branch2(GraphBuilder g, string p, int stride, string input)
    {
        g.Conv($"{p}.branch2.0", 1, 1, 0, false, input);
        g.BatchNorm($"{p}.branch2.1");
        g.Relu($"{p}.branch2.2");
        g.Conv($"{p}.branch2.3", 3, stride, 1);
        g.BatchNorm($"{p}.branch2.4");
        g.Conv($"{p}.branch2.5", 1);
        g.BatchNorm($"{p}.branch2.6");
        var output = g.Relu($"{p}.branch2.7");
        g.Alias(output, $"{p}.branch2");
        return output;
    }
}
