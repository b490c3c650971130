namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's ResNet: a 7x7 stem, four stages of BasicBlocks (resnet18/34) or Bottlenecks
/// (resnet50/101/152, stride on the 3x3 as in torchvision), average pool and fc. Block counts and
/// the block kind come from the tensors, so any depth (and the narrow test fixtures) loads.
/// A block's address (<c>layer3.2</c>) is its output: the second (BasicBlock) or third (Bottleneck)
/// call of its ReLU module, after the residual <c>layer3.2.add</c>.
/// </summary>
internal static class ResNet
{
    public static ModelFamily Family { get; } = new()
    {
        Names = ["resnet18", "resnet34", "resnet50", "resnet101", "resnet152", "resnet"],
        Signature = "layer1.0.conv1.weight",
        NameFor = tensors => NameFor(Blocks(tensors), tensors.ContainsKey(BottleneckTensor)),
        Layout = (_, tensors) => tensors is null ? null : Layout(tensors),
    };

    /// <summary>A tensor only Bottleneck blocks have.</summary>
    private const string BottleneckTensor = "layer1.0.conv3.weight";

    /// <summary>torchvision's published depths: blocks per stage and whether blocks are bottlenecks.</summary>
    private static string NameFor(int[] blocks, bool bottleneck) => (string.Join(",", blocks), bottleneck) switch
    {
        ("2,2,2,2", false) => "resnet18",
        ("3,4,6,3", false) => "resnet34",
        ("3,4,6,3", true) => "resnet50",
        ("3,4,23,3", true) => "resnet101",
        ("3,8,36,3", true) => "resnet152",
        _ => "resnet",
    };

    /// <summary>Blocks per stage, counted from the tensor names (layer{s}.{b}.*).</summary>
    private static int[] Blocks(IReadOnlyDictionary<string, int[]> tensors)
    {
        var blocks = ModelFamily.Modules(tensors.Keys, 2);
        return [.. Enumerable.Range(1, 4).Select(s => Enumerable.Range(0, 64).TakeWhile(b => blocks.Contains($"layer{s}.{b}")).Count())];
    }

    private static Architectures.Layout Layout(IReadOnlyDictionary<string, int[]> tensors)
    {
        var g = new GraphBuilder();
        g.ImageNetStem("conv1", "bn1", "relu", "maxpool");
        var bottleneck = tensors.ContainsKey(BottleneckTensor);
        var blocks = Blocks(tensors);
        for (var s = 1; s <= 4; s++)
        {
            for (var b = 0; b < blocks[s - 1]; b++)
            {
                var stride = s > 1 && b == 0 ? 2 : 1;
                var output = Block(g, $"layer{s}.{b}", stride, bottleneck, tensors.ContainsKey($"layer{s}.{b}.downsample.0.weight"));
                if (b == blocks[s - 1] - 1) g.Alias(output, $"layer{s}");
            }
        }
        g.GlobalAvgPool("avgpool");
        return new Architectures.Layout(g.Nodes, [new LinearSpec("fc", ["logits"]) { Inputs = ["avgpool"] }]);
    }

    private static string Block(GraphBuilder g, string p, int stride, bool bottleneck, bool downsample)
    {
        var input = g.Last;
        if (bottleneck)
        {
            g.Conv($"{p}.conv1", 1);
            g.BatchNorm($"{p}.bn1");
            g.Relu($"{p}.relu");
            g.Conv($"{p}.conv2", 3, stride, 1);
            g.BatchNorm($"{p}.bn2");
            g.Relu($"{p}.relu");
            g.Conv($"{p}.conv3", 1);
            g.BatchNorm($"{p}.bn3");
        }
        else
        {
            g.Conv($"{p}.conv1", 3, stride, 1);
            g.BatchNorm($"{p}.bn1");
            g.Relu($"{p}.relu");
            g.Conv($"{p}.conv2", 3, 1, 1);
            g.BatchNorm($"{p}.bn2");
        }
        var residual = g.Last;
        var identity = input;
        if (downsample)
        {
            g.Conv($"{p}.downsample.0", 1, stride, 0, false, input);
            identity = g.BatchNorm($"{p}.downsample.1");
            g.Alias(identity, $"{p}.downsample");
        }
        g.AddValues($"{p}.add", residual, identity);
        var output = g.Relu($"{p}.relu");
        g.Alias(output, p);
        return output;
    }
}
