using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// torchvision's GoogLeNet (Inception v1) at inference: BasicConv2d stem, nine Inception modules of
/// four concatenated branches, average pool, dropout and fc; the auxiliary classifiers are training
/// only and not part of the graph. torchvision's branch3 uses a 3x3 convolution where the paper has
/// 5x5, and so do we (the weights are 3x3). The input re-normalization of transform_input=True is
/// recorded in the weights file's mean and std instead (see docs/weights-format.md).
/// </summary>
internal static class GoogLeNet
{
    private static readonly Pool2dSettings Stride2Ceil = new(3, 2, 0, ceilMode: true);

    public static ModelFamily Family { get; } = new()
    {
        Names = ["googlenet"],
        Signature = "inception3a.branch1.conv.weight",
        Rename = name => name.StartsWith("aux1.", StringComparison.Ordinal) || name.StartsWith("aux2.", StringComparison.Ordinal) ? null : name,
        Layout = (_, tensors) => tensors is null ? null : Layout(),
        Input = TransformInput,
    };

    /// <summary>
    /// torchvision's files are meant for transform_input=True, which turns the ImageNet-normalized
    /// input into (p - 0.5) / 0.5 per channel before the first convolution: that is the normalization
    /// these files need.
    /// </summary>
    internal static ModelInfo TransformInput(ModelInfo info) => info with { Mean = [0.5f, 0.5f, 0.5f], Std = [0.5f, 0.5f, 0.5f] };

    private static Architectures.Layout Layout()
    {
        var g = new GraphBuilder();
        BasicConv(g, "conv1", 7, 7, Conv2dSettings.Square(2, 3));
        g.MaxPool("maxpool1", Stride2Ceil);
        BasicConv(g, "conv2", 1, 1, Conv2dSettings.Square());
        BasicConv(g, "conv3", 3, 3, Conv2dSettings.Square(1, 1));
        g.MaxPool("maxpool2", Stride2Ceil);
        Inception(g, "inception3a");
        Inception(g, "inception3b");
        g.MaxPool("maxpool3", Stride2Ceil);
        foreach (var m in new[] { "4a", "4b", "4c", "4d", "4e" }) Inception(g, $"inception{m}");
        g.MaxPool("maxpool4", new Pool2dSettings(2, 2, 0, ceilMode: true));
        Inception(g, "inception5a");
        Inception(g, "inception5b");
        g.GlobalAvgPool("avgpool");
        g.Stateless("dropout", () => new DropoutLayer());
        return new Architectures.Layout(g.Nodes, [new LinearSpec("fc", ["logits"]) { Inputs = ["dropout"] }]);
    }

    /// <summary>conv (no bias) -> BatchNorm (eps 0.001) -> ReLU; the module's address is the ReLU's output.</summary>
    public static string BasicConv(GraphBuilder g, string module, int kernelH, int kernelW, Conv2dSettings settings, params string[] inputs)
    {
        g.Conv($"{module}.conv", kernelH, kernelW, settings, false, inputs);
        g.BatchNorm($"{module}.bn", 0.001);
        return g.Relu(module);
    }

    private static void Inception(GraphBuilder g, string p)
    {
        var input = g.Last;
        var one = Conv2dSettings.Square();
        var branch1 = BasicConv(g, $"{p}.branch1", 1, 1, one, input);
        BasicConv(g, $"{p}.branch2.0", 1, 1, one, input);
        var branch2 = BasicConv(g, $"{p}.branch2.1", 3, 3, Conv2dSettings.Square(1, 1));
        g.Alias(branch2, $"{p}.branch2");
        BasicConv(g, $"{p}.branch3.0", 1, 1, one, input);
        var branch3 = BasicConv(g, $"{p}.branch3.1", 3, 3, Conv2dSettings.Square(1, 1));
        g.Alias(branch3, $"{p}.branch3");
        g.MaxPool($"{p}.branch4.0", new Pool2dSettings(3, 1, 1, ceilMode: true), input);
        var branch4 = BasicConv(g, $"{p}.branch4.1", 1, 1, one);
        g.Alias(branch4, $"{p}.branch4");
        g.Concat(p, branch1, branch2, branch3, branch4);
    }
}
