using DeepVis.Nets.Layers;

namespace DeepVis.Nets.Zoo;

/// <summary>The weightless nodes of the chains (VGG, AlexNet), each with its friendly alias.</summary>
internal static class ChainSpecs
{
    public static StatelessSpec Relu(string address, string alias) => new(address, [alias], () => new ReluLayer());

    public static StatelessSpec Drop(string address, string alias) => new(address, [alias], () => new DropoutLayer());

    public static StatelessSpec MaxPool(string address, int kernel, int stride, params string[] aliases) =>
        new(address, aliases, () => new MaxPool2dLayer(new Pool2dSettings(kernel, stride)));

    /// <summary>The adaptive average pool before the classifier, to <paramref name="side"/> x <paramref name="side"/>.</summary>
    public static StatelessSpec AvgPool(int side) => new("avgpool", [], () => new AdaptiveAvgPool2dLayer(side, side));
}
