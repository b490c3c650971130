using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's MobileNetV2: features.0 (3x3 stride 2 conv, BN, ReLU6), 17 inverted residual blocks
/// (optional 1x1 expansion, 3x3 depthwise, 1x1 linear projection; a residual add where the stride is
/// 1 and the width is kept), features.18 (1x1 conv, BN, ReLU6), average pool, dropout and the linear
/// classifier. Strides follow torchvision's block table; widths (any width_mult) come from the
/// tensors. A block's address (<c>features.3</c>) is its output, the add where there is one;
/// <c>features.3.conv</c> is the projection's BatchNorm.
/// </summary>
internal static class MobileNetV2
{
    /// <summary>The stride of inverted residual blocks 1..17 (torchvision's t, c, n, s table expanded).</summary>
    private static readonly int[] Strides = [1, 2, 1, 2, 1, 1, 2, 1, 1, 1, 1, 1, 1, 2, 1, 1, 1];

    public static ModelFamily Family { get; } = new()
    {
        Names = ["mobilenet_v2"],
        Signature = "features.1.conv.0.0.weight",
        Layout = (_, tensors) => tensors is null ? null : Layout(tensors),
    };

    private static Architectures.Layout Layout(IReadOnlyDictionary<string, int[]> tensors)
    {
        var modules = ModelFamily.Modules(tensors.Keys, 3);
        var blocks = Enumerable.Range(1, 64).TakeWhile(b => modules.Contains($"features.{b}.conv")).Count();
        if (blocks != Strides.Length)
            throw new WeightsException($"mobilenet_v2: expected {Strides.Length} inverted residual blocks (features.1 to features.17), found {blocks}");
        var g = new GraphBuilder();
        ConvNormActivation(g, "features.0", 3, 2);
        var channels = Width(tensors, "features.0.0.weight");
        for (var b = 1; b <= blocks; b++) channels = Block(g, tensors, b, channels);
        ConvNormActivation(g, $"features.{blocks + 1}", 1, 1);
        g.Alias(g.Last, "features");
        g.GlobalAvgPool("avgpool");
        g.Stateless("classifier.0", () => new DropoutLayer());
        return new Architectures.Layout(g.Nodes, [new LinearSpec("classifier.1", ["logits"]) { Inputs = ["classifier.0"] }]);
    }

    /// <summary>Conv2dNormActivation: conv (no bias, padding (k-1)/2, depthwise when asked) -> BN -> ReLU6; its address is the ReLU6.</summary>
    private static string ConvNormActivation(GraphBuilder g, string module, int kernel, int stride)
    {
        g.Conv($"{module}.0", kernel, stride, (kernel - 1) / 2);
        g.BatchNorm($"{module}.1");
        var output = g.Stateless($"{module}.2", () => new ClipLayer(0f, 6f));
        g.Alias(output, module);
        return output;
    }

    private static int Block(GraphBuilder g, IReadOnlyDictionary<string, int[]> tensors, int b, int inputChannels)
    {
        var p = $"features.{b}";
        var input = g.Last;
        // With expansion: conv.0 (1x1), conv.1 (depthwise), conv.2 (projection), conv.3 (BN); without: conv.0 (depthwise), conv.1, conv.2.
        var expand = tensors.ContainsKey($"{p}.conv.3.weight");
        var k = 0;
        if (expand) ConvNormActivation(g, $"{p}.conv.{k++}", 1, 1);
        ConvNormActivation(g, $"{p}.conv.{k++}", 3, Strides[b - 1]);
        g.Conv($"{p}.conv.{k++}", 1);
        var projected = g.BatchNorm($"{p}.conv.{k}");
        g.Alias(projected, $"{p}.conv");
        var outputChannels = Width(tensors, $"{p}.conv.{k - 1}.weight");
        if (Strides[b - 1] == 1 && inputChannels == outputChannels) g.AddValues($"{p}.add", input, projected);
        g.Alias(g.Last, p);
        return outputChannels;
    }

    /// <summary>The output width of a convolution the layout depends on (which blocks add their input).</summary>
    private static int Width(IReadOnlyDictionary<string, int[]> tensors, string name) =>
        tensors.TryGetValue(name, out var shape) && shape.Length > 0
            ? shape[0]
            : throw new WeightsException($"mobilenet_v2: weight tensor '{name}' is missing (its width decides where a block adds its input)");
}
