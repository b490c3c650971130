using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's ConvNeXt: features.0 (4x4 stride-4 conv, LayerNorm2d), stages of CNBlocks at
/// features.1, .3, .5, .7 with downsampling (LayerNorm2d, 2x2 stride-2 conv) at features.2, .4, .6, then
/// avgpool and the classifier (LayerNorm2d, Flatten, Linear). A CNBlock runs block.0 (7x7 depthwise conv),
/// block.1 (permute to NHWC), block.2 (LayerNorm over the last axis), block.3 (Linear along it), block.4
/// (GELU), block.5 (Linear), block.6 (permute back), multiplies by its layer_scale (its own node:
/// <c>features.1.0.layer_scale</c>, the tensor stored as that node's weight) and adds its input
/// (<c>features.1.0.add</c>, also the block's address); <c>features.1.0.stochastic_depth</c> is the identity at inference.
/// Depths and widths come from the tensors, so every size (and the narrow fixtures) loads.
/// </summary>
internal static class ConvNeXt
{
    private const double Eps = 1e-6;
    private const string LayerScale = ".layer_scale";

    public static ModelFamily Family { get; } = new()
    {
        Names = ["convnext_tiny", "convnext_small", "convnext_base", "convnext_large", "convnext"],
        Signature = "features.1.0.layer_scale.weight",
        NameFor = NameFor,
        Rename = name => name.EndsWith(LayerScale, StringComparison.Ordinal) ? name + ".weight" : name,
        Layout = (_, tensors) => tensors is null ? null : Layout(tensors),
        PublishedTensors = arch => arch == "convnext_tiny" ? TinyTensors() : null,
    };

    /// <summary>torchvision's convnext_tiny state dict: widths 96, 192, 384, 768 and depths 3, 3, 9, 3.</summary>
    private static RandomWeights.Shapes TinyTensors()
    {
        var t = new RandomWeights.Shapes();
        t.Conv("features.0.0", 96, 3, 4, bias: true);
        t.LayerNorm("features.0.1", 96);
        (int Width, int Depth)[] stages = [(96, 3), (192, 3), (384, 9), (768, 3)];
        foreach (var (s, (width, depth)) in stages.Select((x, i) => (i, x)))
        {
            for (var b = 0; b < depth; b++)
            {
                var block = $"features.{2 * s + 1}.{b}";
                t.Conv($"{block}.block.0", width, 1, 7, bias: true);
                t.LayerNorm($"{block}.block.2", width);
                t.Linear($"{block}.block.3", 4 * width, width);
                t.Linear($"{block}.block.5", width, 4 * width);
                t.Add(($"{block}{LayerScale}.weight", [width, 1, 1]));
            }
            if (s + 1 == stages.Length) continue;
            t.LayerNorm($"features.{2 * s + 2}.0", width);
            t.Conv($"features.{2 * s + 2}.1", stages[s + 1].Width, width, 2, bias: true);
        }
        t.LayerNorm("classifier.0", 768);
        t.Linear("classifier.2", 1000, 768);
        return t;
    }

    /// <summary>torchvision's published sizes: the third stage's depth and the stem's width.</summary>
    private static string NameFor(IReadOnlyDictionary<string, int[]> tensors)
    {
        var depth = Blocks(ModelFamily.Modules(tensors.Keys, 3), 5);
        var width = tensors.TryGetValue("features.0.0.weight", out var stem) ? stem[0] : 0;
        return (depth, width) switch
        {
            (9, 96) => "convnext_tiny",
            (27, 96) => "convnext_small",
            (27, 128) => "convnext_base",
            (27, 192) => "convnext_large",
            _ => "convnext",
        };
    }

    private static int Blocks(HashSet<string> modules, int stage) => Enumerable.Range(0, 256).TakeWhile(b => modules.Contains($"features.{stage}.{b}")).Count();

    private static Architectures.Layout Layout(IReadOnlyDictionary<string, int[]> tensors)
    {
        var (stages, blocks) = (ModelFamily.Modules(tensors.Keys, 2), ModelFamily.Modules(tensors.Keys, 3));
        var g = new GraphBuilder();
        g.Conv("features.0.0", 4, 4, 0, bias: true);
        g.Alias(g.Add(new LayerNormSpec("features.0.1", [], 1, 1, Eps)), "features.0");
        for (var i = 1; stages.Contains($"features.{i}"); i++)
        {
            if (tensors.ContainsKey($"features.{i}.0.block.0.weight"))
            {
                for (var b = 0; b < Blocks(blocks, i); b++) Block(g, $"features.{i}.{b}");
            }
            else
            {
                g.Add(new LayerNormSpec($"features.{i}.0", [], 1, 1, Eps));
                g.Conv($"features.{i}.1", 2, 2, 0, bias: true);
            }
            g.Alias(g.Last, $"features.{i}");
        }
        g.Alias(g.Last, "features");
        g.GlobalAvgPool("avgpool");
        return new Architectures.Layout(g.Nodes,
        [
            new LayerNormSpec("classifier.0", [], 1, 1, Eps) { Inputs = ["avgpool"] },
            new StatelessSpec("classifier.1", [], () => new FlattenLayer()) { Inputs = ["classifier.0"] },
            new LinearSpec("classifier.2", ["logits"]) { Inputs = ["classifier.1"] },
        ]);
    }

    private static void Block(GraphBuilder g, string p)
    {
        var input = g.Last;
        g.Conv($"{p}.block.0", 7, 1, 3, true, input);
        g.Stateless($"{p}.block.1", () => new TransposeLayer([0, 2, 3, 1]));
        g.Add(new LayerNormSpec($"{p}.block.2", [], 3, 1, Eps));
        g.Add(new MatMulSpec($"{p}.block.3", []));
        g.Stateless($"{p}.block.4", () => new UnaryFunctionLayer<Gelu>(new Gelu(GeluApproximation.None), "GELU", ""));
        g.Add(new MatMulSpec($"{p}.block.5", []));
        g.Alias(g.Stateless($"{p}.block.6", () => new TransposeLayer([0, 3, 1, 2])), $"{p}.block");
        g.Add(new ElementwiseSpec($"{p}{LayerScale}", [], BinaryKind.Mul, true));
        var dropped = g.Stateless($"{p}.stochastic_depth", () => new DropoutLayer("StochasticDepth"));
        g.Alias(g.AddValues($"{p}.add", dropped, input), p);
    }
}
