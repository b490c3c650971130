using System.Text.Json;
using System.Text.Json.Serialization;
using DeepVis.Kernels.Layers;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;

namespace DeepVis.Nets.Zoo;

/// <summary>
/// One node of a graph carried by the weights file itself (an imported ONNX model): its address,
/// the op (ONNX's name where there is one), the addresses it reads (<see cref="Network.InputName"/>
/// for the network input) and the op's numeric attributes. Its tensors are <c>{Address}.weight</c>,
/// <c>{Address}.bias</c> and, for BatchNormalization, torchvision's names (docs/weights-format.md).
/// </summary>
public sealed record GraphNode(
    string Address,
    string Op,
    IReadOnlyList<string> Inputs,
    IReadOnlyList<string>? Aliases = null,
    IReadOnlyDictionary<string, double[]>? Attributes = null,
    string? Note = null);

/// <summary>
/// The JSON form of a stored graph (the weights file's <c>graph</c> attribute) and the nodes it
/// builds. Each op maps to a layer the built-in architectures use too, so an imported model runs on
/// the same kernels and is checked the same way.
/// </summary>
public static class StoredGraph
{
    /// <summary>The ops a stored graph may use, with the attributes each takes.</summary>
    public static IReadOnlyDictionary<string, string> Ops { get; } = new Dictionary<string, string>
    {
        ["Conv"] = "kernel [kh, kw], stride [sh, sw], pads [top, left, bottom, right], dilation [dh, dw], bias [0|1]",
        ["BatchNormalization"] = "eps [e]",
        ["Linear"] = "(weight [out, in], bias [out])",
        ["Relu"] = "",
        ["Clip"] = "min [a], max [b]",
        ["Add"] = "",
        ["Concat"] = "(channels)",
        ["MaxPool"] = "kernel, stride, pads, ceil [0|1]",
        ["AveragePool"] = "kernel, stride, pads, ceil [0|1], count_include_pad [0|1]",
        ["GlobalAveragePool"] = "",
        ["AdaptiveAveragePool"] = "size [h, w]",
        ["Flatten"] = "",
        ["Dropout"] = "",
        ["LRN"] = "size, alpha, beta, bias",
    };

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(IReadOnlyList<GraphNode> nodes) => JsonSerializer.Serialize(nodes, Json);

    public static IReadOnlyList<GraphNode> Parse(string json, string arch)
    {
        try
        {
            var nodes = JsonSerializer.Deserialize<List<GraphNode?>>(json, Json) ?? throw new WeightsException($"{arch}: the stored graph is empty");
            // JSON's null fits every reference the records hold: a node, its address, op, inputs or names.
            for (var i = 0; i < nodes.Count; i++)
                if (nodes[i] is not { Address.Length: > 0, Op: not null, Inputs: not null } node || node.Inputs.Any(a => a is null) || node.Aliases?.Any(a => a is null) == true)
                    throw new WeightsException($"{arch}: node {i} of the stored graph is null or lacks its address, op or inputs");
            return nodes!;
        }
        catch (JsonException e)
        {
            throw new WeightsException($"{arch}: the stored graph is not valid JSON ({e.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The nodes as layer specs, in the file's order (which must be topological: Network.Build checks).</summary>
    public static Architectures.Layout Layout(IReadOnlyList<GraphNode> nodes, string arch) =>
        new([.. nodes.Select(n => Spec(n, arch))], []);

    private static LayerSpec Spec(GraphNode node, string arch)
    {
        int Int(string name, int index = 0, int? fallback = null)
        {
            if (node.Attributes?.GetValueOrDefault(name) is { } values && index < values.Length) return (int)values[index];
            return fallback ?? throw new WeightsException(
                $"{arch}: node '{node.Address}' ({node.Op}) lacks attribute '{name}'; {node.Op} takes {Ops[node.Op]}");
        }

        double Number(string name, double fallback) =>
            node.Attributes?.GetValueOrDefault(name) is [var value, ..] ? value : fallback;

        Pool2dSettings Pool() => new(Int("kernel"), Int("kernel", 1), Int("stride", 0, 1), Int("stride", 1, 1),
            Int("pads", 0, 0), Int("pads", 1, 0), Int("pads", 2, 0), Int("pads", 3, 0), Int("ceil", 0, 0) != 0);

        LayerSpec Stateless(Func<ILayer> create) => new StatelessSpec(node.Address, node.Aliases ?? [], create);

        // Settings are read here, not when the layer is created, so a missing attribute fails while the graph is read.
        LayerSpec MaxPool(Pool2dSettings s) => Stateless(() => new MaxPool2dLayer(s));
        LayerSpec AveragePool(Pool2dSettings s, bool countPad) => Stateless(() => new AvgPool2dLayer(s, countPad));
        LayerSpec Clip(float min, float max) => Stateless(() => new ClipLayer(min, max));
        LayerSpec Lrn(LocalResponseNormSettings s) => Stateless(() => new LocalResponseNormLayer(s));
        LayerSpec Adaptive(int h, int w) => Stateless(() => new AdaptiveAvgPool2dLayer(h, w));

        LayerSpec spec = node.Op switch
        {
            "Conv" => new ConvSpec(node.Address, node.Aliases ?? [], Int("kernel"), Int("kernel", 1),
                new Conv2dSettings(Int("stride", 0, 1), Int("stride", 1, 1), Int("pads", 0, 0), Int("pads", 1, 0), Int("pads", 2, 0),
                    Int("pads", 3, 0), Int("dilation", 0, 1), Int("dilation", 1, 1)), Int("bias", 0, 1) != 0),
            "BatchNormalization" => new BatchNormSpec(node.Address, node.Aliases ?? [], Number("eps", 1e-5)),
            "Linear" => new LinearSpec(node.Address, node.Aliases ?? []),
            "Relu" => Stateless(() => new ReluLayer()),
            "Clip" => Clip((float)Number("min", float.NegativeInfinity), (float)Number("max", float.PositiveInfinity)),
            "Add" => Stateless(() => new AddLayer()),
            "Concat" => Stateless(() => new ConcatLayer()),
            "MaxPool" => MaxPool(Pool()),
            "AveragePool" => AveragePool(Pool(), Int("count_include_pad", 0, 0) != 0),
            "GlobalAveragePool" => Stateless(() => new AdaptiveAvgPool2dLayer(1, 1)),
            "AdaptiveAveragePool" => Adaptive(Int("size"), Int("size", 1)),
            "Flatten" => Stateless(() => new FlattenLayer()),
            "Dropout" => Stateless(() => new DropoutLayer()),
            "LRN" => Lrn(new LocalResponseNormSettings(Int("size"), (float)Number("alpha", 1e-4), (float)Number("beta", 0.75), (float)Number("bias", 1))),
            _ => throw new WeightsException(
                $"{arch}: node '{node.Address}' has op '{node.Op}', which DeepVis does not run; supported: {string.Join(", ", Ops.Keys)}"),
        };
        return spec with { Inputs = node.Inputs, Note = node.Note };
    }
}
