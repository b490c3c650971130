using DeepVis.Nets.Weights;
using DeepVis.Ops;
using static DeepVis.Nets.Zoo.SqueezeExcitation;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's MobileNetV3 Large and Small: features.0 (3x3 stride-2 Conv2dNormActivation, Hardswish),
/// inverted residual blocks features.i (optional 1x1 expansion, depthwise, optional squeeze-excitation
/// with ReLU and a Hardsigmoid gate, 1x1 projection; a residual add where the stride is 1 and the width
/// kept), the 1x1 head (Hardswish), average pool and the classifier (Linear, Hardswish, Dropout, Linear).
/// Strides and activations (ReLU or Hardswish) follow torchvision's block tables, told apart by the
/// block count; widths, kernels and where squeeze-excitation sits come from the tensors. BatchNorm eps 1e-3.
/// </summary>
internal static class MobileNetV3
{
    private const double Eps = 1e-3;

    /// <summary>Per block: its stride and whether it uses Hardswish (torchvision's tables, not dilated).</summary>
    private static readonly Dictionary<string, (int Stride, bool HardSwish)[]> Tables = new()
    {
        ["mobilenet_v3_large"] =
        [
            (1, false), (2, false), (1, false), (2, false), (1, false), (1, false), (2, true), (1, true),
            (1, true), (1, true), (1, true), (1, true), (2, true), (1, true), (1, true),
        ],
        ["mobilenet_v3_small"] =
        [
            (2, false), (2, false), (1, false), (2, true), (1, true), (1, true), (1, true), (1, true), (2, true), (1, true), (1, true),
        ],
    };

    public static ModelFamily Family { get; } = new()
    {
        Names = ["mobilenet_v3_large", "mobilenet_v3_small"],
        Signature = "features.1.block.0.0.weight",
        NameFor = tensors => Blocks(tensors) == Tables["mobilenet_v3_small"].Length ? "mobilenet_v3_small" : "mobilenet_v3_large",
        Layout = (arch, tensors) => tensors is null ? null : Layout(arch, tensors),
        PublishedTensors = arch => arch == "mobilenet_v3_large" ? LargeTensors() : null,
    };

    /// <summary>torchvision's mobilenet_v3_large state dict: per block kernel, expanded width, output width, squeeze-excitation.</summary>
    private static RandomWeights.Shapes LargeTensors()
    {
        var t = new RandomWeights.Shapes();
        t.ConvBatchNorm("features.0", 16, 3, 3);
        var channels = 16;
        (int Kernel, int Expanded, int Width, bool Se)[] blocks =
        [
            (3, 16, 16, false), (3, 64, 24, false), (3, 72, 24, false), (5, 72, 40, true), (5, 120, 40, true), (5, 120, 40, true),
            (3, 240, 80, false), (3, 200, 80, false), (3, 184, 80, false), (3, 184, 80, false), (3, 480, 112, true), (3, 672, 112, true),
            (5, 672, 160, true), (5, 960, 160, true), (5, 960, 160, true),
        ];
        foreach (var (i, (kernel, expanded, width, se)) in blocks.Select((b, i) => (i + 1, b)))
        {
            var (block, k) = ($"features.{i}.block", 0);
            if (expanded != channels) t.ConvBatchNorm($"{block}.{k++}", expanded, channels, 1);
            t.ConvBatchNorm($"{block}.{k++}", expanded, 1, kernel);
            if (se)
            {
                // torchvision's _make_divisible(expanded / 4, 8): to a multiple of 8, never below 90% of it.
                var squeezed = Math.Max(8, (expanded / 4 + 4) / 8 * 8);
                if (squeezed < 0.9 * expanded / 4) squeezed += 8;
                t.Conv($"{block}.{k}.fc1", squeezed, expanded, 1, bias: true);
                t.Conv($"{block}.{k++}.fc2", expanded, squeezed, 1, bias: true);
            }
            t.ConvBatchNorm($"{block}.{k}", width, expanded, 1);
            channels = width;
        }
        t.ConvBatchNorm("features.16", 960, channels, 1);
        t.Linear("classifier.0", 1280, 960);
        t.Linear("classifier.3", 1000, 1280);
        return t;
    }

    private static int Blocks(IReadOnlyDictionary<string, int[]> tensors) =>
        Enumerable.Range(1, 64).TakeWhile(i => tensors.ContainsKey($"features.{i}.block.0.0.weight")).Count();

    private static Architectures.Layout Layout(string arch, IReadOnlyDictionary<string, int[]> tensors)
    {
        var table = Tables.GetValueOrDefault(arch) ?? Tables["mobilenet_v3_large"];
        var blocks = Blocks(tensors);
        if (blocks != table.Length)
            throw new WeightsException($"{arch}: expected {table.Length} inverted residual blocks (features.1 to features.{table.Length}), found {blocks}");
        var g = new GraphBuilder();
        g.ConvNormActivation(tensors, "features.0", 2, Eps, HardSwish);
        var channels = Shape(tensors, arch, "features.0.0.weight", 4)[0];
        for (var i = 1; i <= blocks; i++) channels = Block(g, tensors, arch, $"features.{i}", table[i - 1], channels);
        g.ConvNormActivation(tensors, $"features.{blocks + 1}", 1, Eps, HardSwish);
        g.Alias(g.Last, "features");
        g.GlobalAvgPool("avgpool");
        return new Architectures.Layout(g.Nodes,
        [
            new LinearSpec("classifier.0", []) { Inputs = ["avgpool"] },
            new StatelessSpec("classifier.1", [], HardSwish),
            new StatelessSpec("classifier.2", [], () => new DropoutLayer()),
            new LinearSpec("classifier.3", ["logits"]),
        ]);
    }

    private static int Block(GraphBuilder g, IReadOnlyDictionary<string, int[]> tensors, string arch, string p, (int Stride, bool HardSwish) setting, int inputChannels)
    {
        var input = g.Last;
        Func<DeepVis.Nets.Layers.ILayer> activation = setting.HardSwish ? HardSwish : Relu;
        var parts = Count(tensors, $"{p}.block.");
        var gate = Enumerable.Range(0, parts).FirstOrDefault(k => tensors.ContainsKey($"{p}.block.{k}.fc1.weight"), -1);
        // [expansion], depthwise, [squeeze-excitation], projection.
        var expands = parts - (gate >= 0 ? 1 : 0) == 3;
        var k = 0;
        if (expands) g.ConvNormActivation(tensors, $"{p}.block.{k++}", 1, Eps, activation);
        g.ConvNormActivation(tensors, $"{p}.block.{k++}", setting.Stride, Eps, activation);
        if (gate >= 0) g.Gate($"{p}.block.{k++}", Relu, HardSigmoid);
        g.ConvNormActivation(tensors, $"{p}.block.{k}", 1, Eps, null);
        g.Alias(g.Last, $"{p}.block");
        var outputChannels = Shape(tensors, arch, $"{p}.block.{k}.0.weight", 4)[0];
        g.Residual(p, input, setting.Stride == 1 && inputChannels == outputChannels);
        return outputChannels;
    }
}
