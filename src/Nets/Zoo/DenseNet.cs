using DeepVis.Nets.Layers;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's DenseNet: a 7x7 stem, dense blocks whose layers each read the concatenation of the
/// block input and every earlier layer's output (BN -> ReLU -> 1x1 conv -> BN -> ReLU -> 3x3 conv),
/// transitions (BN -> ReLU -> 1x1 conv -> 2x2 average pool), a final BN and ReLU, average pool and the
/// classifier. Layer counts per block come from the tensors. The BatchNorm before each ReLU -> conv
/// stays standalone; the one after each 1x1 conv (norm2) is folded into it.
/// </summary>
public static class DenseNet
{
    public static IReadOnlyList<string> Names => ["densenet121", "densenet161", "densenet169", "densenet201", "densenet"];

    public static string NameFor(int[] layers) => string.Join(",", layers) switch
    {
        "6,12,24,16" => "densenet121",
        "6,12,36,24" => "densenet161",
        "6,12,32,32" => "densenet169",
        "6,12,48,32" => "densenet201",
        _ => "densenet",
    };

    /// <summary>Dense layers per block, from features.denseblock{b}.denselayer{l}.conv1.weight.</summary>
    public static int[] Layers(IReadOnlyDictionary<string, int[]> tensors) =>
    [
        .. Enumerable.Range(1, 8).Select(b => Enumerable.Range(1, 256)
                .TakeWhile(l => tensors.ContainsKey($"features.denseblock{b}.denselayer{l}.conv1.weight")).Count())
            .TakeWhile(n => n > 0),
    ];

    public static Architectures.Layout Layout(IReadOnlyDictionary<string, int[]> tensors)
    {
        var g = new GraphBuilder();
        g.ImageNetStem("features.conv0", "features.norm0", "features.relu0", "features.pool0");
        var blocks = Layers(tensors);
        for (var b = 1; b <= blocks.Length; b++)
        {
            var block = $"features.denseblock{b}";
            var values = new List<string> { g.Last };
            for (var l = 1; l <= blocks[b - 1]; l++)
            {
                var p = $"{block}.denselayer{l}";
                if (values.Count > 1) g.Concat($"{p}.cat", [.. values]);
                g.BatchNorm($"{p}.norm1");
                g.Relu($"{p}.relu1");
                g.Conv($"{p}.conv1", 1);
                g.BatchNorm($"{p}.norm2");
                g.Relu($"{p}.relu2");
                values.Add(g.Conv($"{p}.conv2", 3, 1, 1));
                g.Alias(g.Last, p);
            }
            g.Concat(block, [.. values]);
            if (b == blocks.Length) break;
            var t = $"features.transition{b}";
            g.BatchNorm($"{t}.norm");
            g.Relu($"{t}.relu");
            g.Conv($"{t}.conv", 1);
            g.AvgPool($"{t}.pool", new Pool2dSettings(2, 2));
            g.Alias(g.Last, t);
        }
        g.BatchNorm("features.norm5");
        g.Alias(g.Last, "features");
        g.Relu("relu");
        g.GlobalAvgPool("avgpool");
        return new Architectures.Layout(g.Nodes, [new LinearSpec("classifier", ["logits"]) { Inputs = ["avgpool"] }]);
    }
}
