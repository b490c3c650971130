using System.Text.Json;
using System.Text.Json.Serialization;
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
    /// <summary>The ops a stored graph may use, with the attributes each takes (each op's declaration: <see cref="OpRegistry"/>).</summary>
    public static IReadOnlyDictionary<string, string> Ops { get; } = OpRegistry.Stored.ToDictionary(p => p.Key, p => p.Value.Attributes);

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
        var form = OpRegistry.Stored.GetValueOrDefault(node.Op) ?? throw new WeightsException(
            $"{arch}: node '{node.Address}' has op '{node.Op}', which DeepVis does not run; supported: {string.Join(", ", Ops.Keys)}");
        // Settings are read and checked here, not when the layer is created, so a bad value fails while the graph is read.
        return form.Spec(new OpNode(node, arch, form)) with { Inputs = node.Inputs, Note = node.Note };
    }
}
