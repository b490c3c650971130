using static DeepVis.Nets.Zoo.ChainSpecs;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's VGG16 and VGG19 (and Keras applications' VGG16 and VGG19, whose layer names are
/// aliases): blocks of 3x3 convolutions + ReLU, each closed by a 2x2 max pool, a 7x7 average pool and
/// three fully-connected layers. Addresses features.N and classifier.N; aliases conv4_3, relu4_3, pool4,
/// fc6..fc8 and the Keras names block4_conv3, fc1, fc2, predictions.
/// </summary>
internal static class Vgg
{
    public static ModelFamily Family { get; } = new()
    {
        Names = ["vgg16", "vgg19"],
        Keras = ["vgg16", "vgg19"],
        Layout = (arch, _) => Layout(arch == "vgg16" ? [2, 2, 3, 3, 3] : [2, 2, 4, 4, 4]),
        PublishedWidths = arch => arch == "vgg16"
            ? new([64, 64, 128, 128, 256, 256, 256, 512, 512, 512, 512, 512, 512], [4096, 4096, 1000], 7, 3)
            : new([64, 64, 128, 128, 256, 256, 256, 256, 512, 512, 512, 512, 512, 512, 512, 512], [4096, 4096, 1000], 7, 3),
    };

    private static Architectures.Layout Layout(int[] convsPerBlock) => new(Features(convsPerBlock, 7),
    [
        new LinearSpec("classifier.0", ["fc6", "fc1"]), Relu("classifier.1", "relu6"), Drop("classifier.2", "drop6"),
        new LinearSpec("classifier.3", ["fc7", "fc2"]), Relu("classifier.4", "relu7"), Drop("classifier.5", "drop7"),
        new LinearSpec("classifier.6", ["fc8", "predictions", "logits"]),
    ]);

    /// <summary>The convolution blocks (conv{b}_{i}, relu{b}_{i}, pool{b}; Keras's block{b}_conv{i}) and the average pool to <paramref name="pooled"/>.</summary>
    internal static IReadOnlyList<LayerSpec> Features(int[] convsPerBlock, int pooled)
    {
        var features = new List<LayerSpec>();
        for (var b = 1; b <= convsPerBlock.Length; b++)
        {
            for (var i = 1; i <= convsPerBlock[b - 1]; i++)
            {
                features.Add(new ConvSpec($"features.{features.Count}", [$"conv{b}_{i}", $"block{b}_conv{i}"], 3, 1, 1));
                features.Add(Relu($"features.{features.Count}", $"relu{b}_{i}"));
            }
            features.Add(MaxPool($"features.{features.Count}", 2, 2, $"pool{b}", $"block{b}_pool"));
        }
        features.Add(AvgPool(pooled));
        return features;
    }
}
