using DeepVis.Nets.Weights;
using DeepVis.Ops;
using static DeepVis.Nets.Zoo.SqueezeExcitation;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's EfficientNet B0-B7 and V2 S/M/L: features.0 (3x3 stride-2 Conv2dNormActivation, SiLU),
/// stages features.1 ... of blocks features.s.b, features.(last) (1x1, SiLU), average pool, dropout and
/// the linear classifier. An MBConv block (optional 1x1 expansion, depthwise, squeeze-excitation with SiLU
/// and a sigmoid gate, 1x1 projection) or, in V2's first stages, a FusedMBConv (a full convolution,
/// then a 1x1 projection where it expands); a residual add where the stride is 1 and the width kept.
/// Strides follow torchvision's stage table; widths, depths, kernels and block kinds come from the
/// tensors. V2 (told by its first stage, which has no squeeze-excitation) and B5-B7 (told by their head
/// width and depth) use BatchNorm eps 1e-3, as torchvision builds them; B0-B4 1e-5.
/// </summary>
internal static class EfficientNet
{
    /// <summary>The stride of each stage's first block (every table of torchvision's; V2-S has the first six stages).</summary>
    private static readonly int[] Strides = [1, 2, 2, 2, 1, 2, 1];

    /// <summary>The B models by head width and block count (width and depth multipliers), and their input size.</summary>
    private static readonly (string Name, int Head, int Blocks, int Size)[] Published =
    [
        ("efficientnet_b0", 1280, 16, 224), ("efficientnet_b1", 1280, 23, 240), ("efficientnet_b2", 1408, 23, 288),
        ("efficientnet_b3", 1536, 26, 300), ("efficientnet_b4", 1792, 32, 380), ("efficientnet_b5", 2048, 39, 456),
        ("efficientnet_b6", 2304, 45, 528), ("efficientnet_b7", 2560, 55, 600),
        ("efficientnet_v2_s", 1280, 40, 384), ("efficientnet_v2_m", 1280, 57, 480), ("efficientnet_v2_l", 1280, 79, 480),
    ];

    public static ModelFamily Family { get; } = new()
    {
        Names = [.. Published.Select(p => p.Name)],
        Signature = "features.1.0.block.0.0.weight",
        NameFor = NameFor,
        Layout = (arch, tensors) => tensors is null ? null : Layout(arch, tensors),
        Input = info => info with { DefaultSize = Published.FirstOrDefault(p => p.Name == info.Arch).Size is > 0 and var size ? size : info.DefaultSize },
        PublishedTensors = arch => arch == "efficientnet_b0" ? B0Tensors() : null,
    };

    /// <summary>torchvision's efficientnet_b0 state dict: its MBConv table (expansion, kernel, width, blocks per stage).</summary>
    private static RandomWeights.Shapes B0Tensors()
    {
        var t = new RandomWeights.Shapes();
        t.ConvBatchNorm("features.0", 32, 3, 3);
        var channels = 32;
        (int Expand, int Kernel, int Width, int Blocks)[] stages = [(1, 3, 16, 1), (6, 3, 24, 2), (6, 5, 40, 2), (6, 3, 80, 3), (6, 5, 112, 3), (6, 5, 192, 4), (6, 3, 320, 1)];
        foreach (var (stage, (expand, kernel, width, blocks)) in stages.Select((s, i) => (i + 1, s)))
            for (var b = 0; b < blocks; b++)
            {
                var (block, expanded, k) = ($"features.{stage}.{b}.block", channels * expand, 0);
                if (expand != 1) t.ConvBatchNorm($"{block}.{k++}", expanded, channels, 1);
                t.ConvBatchNorm($"{block}.{k++}", expanded, 1, kernel);
                t.Conv($"{block}.{k}.fc1", Math.Max(1, channels / 4), expanded, 1, bias: true);
                t.Conv($"{block}.{k++}.fc2", expanded, Math.Max(1, channels / 4), 1, bias: true);
                t.ConvBatchNorm($"{block}.{k}", width, expanded, 1);
                channels = width;
            }
        t.ConvBatchNorm("features.8", 1280, channels, 1);
        t.Linear("classifier.1", 1000, 1280);
        return t;
    }

    private static bool IsV2(IReadOnlyDictionary<string, int[]> tensors) =>
        !tensors.Keys.Any(k => k.StartsWith("features.1.0.block.", StringComparison.Ordinal) && k.Contains(".fc1.", StringComparison.Ordinal));

    /// <summary>How many of features.1, features.2 ... are stages of blocks.</summary>
    private static int Stages(IReadOnlyDictionary<string, int[]> tensors) =>
        Enumerable.Range(1, 16).TakeWhile(s => tensors.Keys.Any(k => k.StartsWith($"features.{s}.0.block.", StringComparison.Ordinal))).Count();

    private static string NameFor(IReadOnlyDictionary<string, int[]> tensors)
    {
        var stages = Stages(tensors);
        var blocks = Enumerable.Range(1, stages).Sum(s => Count(tensors, $"features.{s}.", ".block."));
        if (IsV2(tensors)) return stages < 7 ? "efficientnet_v2_s" : blocks <= 57 ? "efficientnet_v2_m" : "efficientnet_v2_l";
        var head = tensors.GetValueOrDefault($"features.{stages + 1}.0.weight") is [var width, ..] ? width : 0;
        return Published.FirstOrDefault(p => p.Head == head && p.Blocks == blocks && p.Name.Contains("_b")).Name
            ?? Published.FirstOrDefault(p => p.Blocks == blocks && p.Name.Contains("_b")).Name ?? "efficientnet_b0";
    }

    private static Architectures.Layout Layout(string arch, IReadOnlyDictionary<string, int[]> tensors)
    {
        var stages = Stages(tensors);
        if (stages is < 1 or > 7)
            throw new WeightsException($"{arch}: expected 6 or 7 stages (features.1.0 ... features.7.0), found {stages}");
        var eps = IsV2(tensors) || arch is "efficientnet_b5" or "efficientnet_b6" or "efficientnet_b7" ? 1e-3 : 1e-5;
        var g = new GraphBuilder();
        g.ConvNormActivation(tensors, "features.0", 2, eps, Silu);
        var channels = Shape(tensors, arch, "features.0.0.weight", 4)[0];
        for (var s = 1; s <= stages; s++)
        {
            var blocks = Count(tensors, $"features.{s}.", ".block.");
            for (var b = 0; b < blocks; b++) channels = Block(g, tensors, arch, $"features.{s}.{b}", b == 0 ? Strides[s - 1] : 1, channels, eps);
            g.Alias(g.Last, $"features.{s}");
        }
        g.ConvNormActivation(tensors, $"features.{stages + 1}", 1, eps, Silu);
        g.Alias(g.Last, "features");
        g.GlobalAvgPool("avgpool");
        g.Stateless("classifier.0", () => new DropoutLayer());
        return new Architectures.Layout(g.Nodes, [new LinearSpec("classifier.1", ["logits"]) { Inputs = ["classifier.0"] }]);
    }

    /// <summary>One MBConv or FusedMBConv block; returns its output width.</summary>
    private static int Block(GraphBuilder g, IReadOnlyDictionary<string, int[]> tensors, string arch, string p, int stride, int inputChannels, double eps)
    {
        var input = g.Last;
        var parts = Count(tensors, $"{p}.block.");
        var gate = Enumerable.Range(0, parts).FirstOrDefault(k => tensors.ContainsKey($"{p}.block.{k}.fc1.weight"), -1);
        if (gate >= 0)
        {
            // MBConv: [expansion], depthwise, squeeze-excitation, projection.
            if (gate == 2) g.ConvNormActivation(tensors, $"{p}.block.0", 1, eps, Silu);
            g.ConvNormActivation(tensors, $"{p}.block.{gate - 1}", stride, eps, Silu);
            g.Gate($"{p}.block.{gate}", Silu, Sigmoid);
            g.ConvNormActivation(tensors, $"{p}.block.{gate + 1}", 1, eps, null);
        }
        else if (parts == 2)
        {
            // FusedMBConv that expands: the full convolution, then the projection.
            g.ConvNormActivation(tensors, $"{p}.block.0", stride, eps, Silu);
            g.ConvNormActivation(tensors, $"{p}.block.1", 1, eps, null);
        }
        else g.ConvNormActivation(tensors, $"{p}.block.0", stride, eps, Silu);
        g.Alias(g.Last, $"{p}.block");
        var outputChannels = Shape(tensors, arch, $"{p}.block.{parts - 1}.0.weight", 4)[0];
        g.Residual(p, input, stride == 1 && inputChannels == outputChannels);
        return outputChannels;
    }
}
