using System.Text.RegularExpressions;
using DeepVis.Nets.Layers;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's DenseNet: a 7x7 stem, dense blocks whose layers each read the concatenation of the
/// block input and every earlier layer's output (BN -> ReLU -> 1x1 conv -> BN -> ReLU -> 3x3 conv),
/// transitions (BN -> ReLU -> 1x1 conv -> 2x2 average pool), a final BN and ReLU, average pool and the
/// classifier. Layer counts per block come from the tensors. The BatchNorm before each ReLU -> conv
/// stays standalone; the one after each 1x1 conv (norm2) is folded into it.
/// </summary>
internal static partial class DenseNet
{
    public static ModelFamily Family { get; } = new()
    {
        Names = ["densenet121", "densenet161", "densenet169", "densenet201", "densenet"],
        Signature = "features.denseblock1.denselayer1.conv1.weight",
        NameFor = tensors => NameFor(Layers(tensors)),
        Rename = name => OldKey().Match(name) is { Success: true } m ? m.Groups[1].Value + m.Groups[2].Value : name,
        Layout = (_, tensors) => tensors is null ? null : Layout(tensors),
    };

    private static string NameFor(int[] layers) => string.Join(",", layers) switch
    {
        "6,12,24,16" => "densenet121",
        "6,12,36,24" => "densenet161",
        "6,12,32,32" => "densenet169",
        "6,12,48,32" => "densenet201",
        _ => "densenet",
    };

    /// <summary>Dense layers per block, from features.denseblock{b}.denselayer{l}.*.</summary>
    private static int[] Layers(IReadOnlyDictionary<string, int[]> tensors)
    {
        var layers = ModelFamily.Modules(tensors.Keys, 3);
        return
        [
            .. Enumerable.Range(1, 8).Select(b => Enumerable.Range(1, 256).TakeWhile(l => layers.Contains($"features.denseblock{b}.denselayer{l}")).Count())
                .TakeWhile(n => n > 0),
        ];
    }

    /// <summary>
    /// A key of the files published before torchvision renamed its modules (denselayer1.norm.1.weight
    /// for denselayer1.norm1.weight), which torchvision still renames when it loads them: the two groups
    /// are the key without the dot between them.
    /// </summary>
    [GeneratedRegex(@"^(.*denselayer\d+\.(?:norm|relu|conv))\.([12]\.(?:weight|bias|running_mean|running_var))$")]
    private static partial Regex OldKey();

    private static Architectures.Layout Layout(IReadOnlyDictionary<string, int[]> tensors)
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
