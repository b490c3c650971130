using static DeepVis.Nets.Zoo.ChainSpecs;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// The embedded Fashion-MNIST model: VGG's first two blocks on 28x28 grey images, a 7x7 average pool
/// and two fully-connected layers, fc1 and fc2.
/// </summary>
internal static class MiniVgg
{
    public static ModelFamily Family { get; } = new()
    {
        Names = ["mini-vgg"],
        Layout = (_, _) => new Architectures.Layout(Vgg.Features([2, 2], 7),
        [
            new LinearSpec("classifier.0", ["fc1"]), Relu("classifier.1", "relu_fc1"), Drop("classifier.2", "drop_fc1"),
            new LinearSpec("classifier.3", ["fc2", "logits"]),
        ]),
        Input = info => info with { DefaultSize = 28 },
        PublishedWidths = _ => new([16, 16, 32, 32], [128, 10], 7, 1),
    };
}
