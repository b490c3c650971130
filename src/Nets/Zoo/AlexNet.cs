using static DeepVis.Nets.Zoo.ChainSpecs;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's AlexNet: five convolutions (conv1..conv5) with ReLUs and three max pools, a 6x6
/// average pool and three fully-connected layers (fc6..fc8) behind dropouts.
/// </summary>
internal static class AlexNet
{
    public static ModelFamily Family { get; } = new()
    {
        Names = ["alexnet"],
        Layout = (_, _) => Layout(),
        PublishedWidths = _ => new([64, 192, 384, 256, 256], [4096, 4096, 1000], 6, 3),
    };

    private static Architectures.Layout Layout()
    {
        LayerSpec[] features =
        [
            new ConvSpec("features.0", ["conv1"], 11, 4, 2), Relu("features.1", "relu1"), MaxPool("features.2", 3, 2, "pool1"),
            new ConvSpec("features.3", ["conv2"], 5, 1, 2), Relu("features.4", "relu2"), MaxPool("features.5", 3, 2, "pool2"),
            new ConvSpec("features.6", ["conv3"], 3, 1, 1), Relu("features.7", "relu3"),
            new ConvSpec("features.8", ["conv4"], 3, 1, 1), Relu("features.9", "relu4"),
            new ConvSpec("features.10", ["conv5"], 3, 1, 1), Relu("features.11", "relu5"), MaxPool("features.12", 3, 2, "pool5"),
            AvgPool(6),
        ];
        LayerSpec[] classifier =
        [
            Drop("classifier.0", "drop6"), new LinearSpec("classifier.1", ["fc6"]), Relu("classifier.2", "relu6"),
            Drop("classifier.3", "drop7"), new LinearSpec("classifier.4", ["fc7"]), Relu("classifier.5", "relu7"),
            new LinearSpec("classifier.6", ["fc8", "logits"]),
        ];
        return new Architectures.Layout(features, classifier);
    }
}
