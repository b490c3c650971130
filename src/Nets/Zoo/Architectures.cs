using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// The architectures DeepVis knows, laid out as torchvision lays them out (features.N, avgpool,
/// classifier.N, layer3.2.conv2, inception4c.branch2), with the friendly aliases (conv1_1, relu3_2,
/// pool5, fc6) and Keras names (block4_conv3, fc1, predictions). "logits" names the class scores of
/// every network. Chains (VGG, AlexNet) are fixed; the graph families take their depth from the
/// tensors a file holds (<see cref="Find"/>'s <c>tensors</c>).
/// </summary>
public static class Architectures
{
    /// <summary>The chains, whose layout needs no tensors.</summary>
    public static IReadOnlyList<string> Chains => ["vgg16", "vgg19", "alexnet", "mini-vgg"];

    /// <summary>Every architecture name a weights file may carry.</summary>
    public static IReadOnlyList<string> Names =>
    [
        .. Chains, .. ResNet.Names, .. DenseNet.Names, "googlenet", "inception_v3", "mobilenet_v2", "squeezenet1_0", "squeezenet1_1",
    ];

    /// <summary>The feature stack and the classifier; the classifier is absent from "notop" weight files.</summary>
    public sealed record Layout(IReadOnlyList<LayerSpec> Features, IReadOnlyList<LayerSpec> Classifier);

    /// <param name="tensors">The file's tensor names and shapes: graph families read their depth and block kinds from them.</param>
    public static Layout? Find(string arch, IReadOnlyDictionary<string, int[]>? tensors = null) => arch switch
    {
        "vgg16" => Vgg([2, 2, 3, 3, 3], 7, keras: true),
        "vgg19" => Vgg([2, 2, 4, 4, 4], 7, keras: true),
        "mini-vgg" => Vgg([2, 2], 7, keras: false),
        "alexnet" => AlexNet(),
        _ when tensors is null => null,
        _ when ResNet.Names.Contains(arch) => ResNet.Layout(tensors),
        _ when DenseNet.Names.Contains(arch) => DenseNet.Layout(tensors),
        "googlenet" => GoogLeNet.Layout(),
        "inception_v3" => InceptionV3.Layout(),
        "mobilenet_v2" => MobileNetV2.Layout(tensors),
        "squeezenet1_0" or "squeezenet1_1" => SqueezeNet.Layout(arch, tensors),
        _ => null,
    };

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

    /// <summary>VGG: blocks of 3x3 convolutions + ReLU, each closed by a 2x2 max pool.</summary>
    private static Layout Vgg(int[] convsPerBlock, int pooled, bool keras)
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
        features.Add(new StatelessSpec("avgpool", [], () => new AdaptiveAvgPool2dLayer(pooled, pooled)));
        // The full-size VGGs number their fully-connected layers fc6..fc8 (Keras: fc1, fc2,
        // predictions); mini-vgg has two, fc1 and fc2.
        LayerSpec[] classifier = keras
            ?
            [
                new LinearSpec("classifier.0", ["fc6", "fc1"]), Relu("classifier.1", "relu6"), Drop("classifier.2", "drop6"),
                new LinearSpec("classifier.3", ["fc7", "fc2"]), Relu("classifier.4", "relu7"), Drop("classifier.5", "drop7"),
                new LinearSpec("classifier.6", ["fc8", "predictions", "logits"]),
            ]
            :
            [
                new LinearSpec("classifier.0", ["fc1"]), Relu("classifier.1", "relu_fc1"), Drop("classifier.2", "drop_fc1"),
                new LinearSpec("classifier.3", ["fc2", "logits"]),
            ];
        return new Layout(features, classifier);
    }

    private static Layout AlexNet()
    {
        LayerSpec[] features =
        [
            new ConvSpec("features.0", ["conv1"], 11, 4, 2), Relu("features.1", "relu1"), MaxPool("features.2", 3, 2, "pool1"),
            new ConvSpec("features.3", ["conv2"], 5, 1, 2), Relu("features.4", "relu2"), MaxPool("features.5", 3, 2, "pool2"),
            new ConvSpec("features.6", ["conv3"], 3, 1, 1), Relu("features.7", "relu3"),
            new ConvSpec("features.8", ["conv4"], 3, 1, 1), Relu("features.9", "relu4"),
            new ConvSpec("features.10", ["conv5"], 3, 1, 1), Relu("features.11", "relu5"), MaxPool("features.12", 3, 2, "pool5"),
            new StatelessSpec("avgpool", [], () => new AdaptiveAvgPool2dLayer(6, 6)),
        ];
        LayerSpec[] classifier =
        [
            Drop("classifier.0", "drop6"), new LinearSpec("classifier.1", ["fc6"]), Relu("classifier.2", "relu6"),
            Drop("classifier.3", "drop7"), new LinearSpec("classifier.4", ["fc7"]), Relu("classifier.5", "relu7"),
            new LinearSpec("classifier.6", ["fc8", "logits"]),
        ];
        return new Layout(features, classifier);
    }

    private static StatelessSpec Relu(string address, string alias) => new(address, [alias], () => new ReluLayer());
    private static StatelessSpec Drop(string address, string alias) => new(address, [alias], () => new DropoutLayer());

    private static StatelessSpec MaxPool(string address, int kernel, int stride, params string[] aliases) =>
        new(address, aliases, () => new MaxPool2dLayer(new Pool2dSettings(kernel, stride)));
}
