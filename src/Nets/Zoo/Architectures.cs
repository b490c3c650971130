using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// The architectures DeepVis knows, laid out as torchvision lays them out (features.N, avgpool,
/// classifier.N, layer3.2.conv2, inception4c.branch2), with the friendly aliases (conv1_1, relu3_2,
/// pool5, fc6) and Keras names (block4_conv3, fc1, predictions). "logits" names the class scores of
/// every network. Each family is one file (<see cref="ModelFamily"/>) and one line of <see cref="Families"/>.
/// </summary>
public static class Architectures
{
    /// <summary>Every family, in the order a state dict is matched against them.</summary>
    public static IReadOnlyList<ModelFamily> Families { get; } =
    [
        Vgg.Family,
        AlexNet.Family,
        MiniVgg.Family,
        ResNet.Family,
        DenseNet.Family,
        GoogLeNet.Family,
        InceptionV3.Family,
        MobileNetV2.Family,
        SqueezeNet.Family,
        EfficientNet.Family,
        MobileNetV3.Family,
        RegNet.Family,
        MnasNet.Family,
        ShuffleNetV2.Family,
        ConvNeXt.Family,
    ];

    /// <summary>Every architecture name a weights file may carry.</summary>
    public static IReadOnlyList<string> Names => [.. Families.SelectMany(f => f.Names)];

    /// <summary>The architectures Keras applications publish, whose layer names are aliases of their nodes.</summary>
    public static IReadOnlyList<string> Keras => [.. Families.SelectMany(f => f.Keras)];

    /// <summary>The feature stack and the classifier; the classifier is absent from "notop" weight files.</summary>
    public sealed record Layout(IReadOnlyList<LayerSpec> Features, IReadOnlyList<LayerSpec> Classifier);

    /// <summary>The family an architecture name belongs to, or null for a name no family carries.</summary>
    public static ModelFamily? FamilyOf(string arch) => Families.FirstOrDefault(f => f.Names.Contains(arch));

    /// <param name="tensors">The file's tensor names and shapes: graph families read their depth and block kinds from them.</param>
    public static Layout? Find(string arch, IReadOnlyDictionary<string, int[]>? tensors = null) => FamilyOf(arch)?.Layout(arch, tensors);

    /// <summary>
    /// The nodes of the file's architecture in topological order, each with its inputs: without the
    /// classifier (and the pooling before it) where the file has no classifier tensors (Keras "notop").
    /// </summary>
    /// <param name="graph">A stored graph's JSON (<see cref="StoredGraph"/>): the file's own structure, whatever its arch says.</param>
    public static IReadOnlyList<LayerSpec> Nodes(string arch, IReadOnlyDictionary<string, int[]> tensors, string? graph = null)
    {
        var layout = (graph is null ? Find(arch, tensors) : StoredGraph.Layout(StoredGraph.Parse(graph, arch), arch))
            ?? throw new WeightsException($"unknown architecture '{arch}'; known: {string.Join(", ", Names)}");
        // A stored graph is the whole model as its file has it: no classifier to detect, and its own 'avgpool' stays.
        var hasTop = graph is not null || layout.Classifier.SelectMany(s => s.TensorNames).Any(tensors.ContainsKey);
        var specs = hasTop ? [.. layout.Features, .. layout.Classifier] : layout.Features.Where(s => s.Address != "avgpool").ToList();
        return [.. specs.Select((s, i) => s.Inputs is null ? s with { Inputs = [i == 0 ? Network.InputName : specs[i - 1].Address] } : s)];
    }
}
