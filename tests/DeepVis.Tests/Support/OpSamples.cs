using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;

namespace DeepVis.Tests.Support;

/// <summary>
/// One small stored-graph node per stored op, reading a [2, 6, 6] input, with the tensors it needs:
/// what the registry tests round-trip and the validation tests spoil one attribute of.
/// </summary>
public static class OpSamples
{
    public const int Channels = 2;
    public const int Side = 6;

    private static readonly string[] Input = [Network.InputName];

    /// <summary>The sample node of stored op <paramref name="op"/>, named "n", and its tensors' shapes.</summary>
    public static (GraphNode Node, Dictionary<string, int[]> Tensors) Of(string op) => op switch
    {
        "Conv" => (Node(op, new() { ["kernel"] = [3, 3], ["stride"] = [1, 1], ["pads"] = [1, 1, 1, 1], ["dilation"] = [1, 1], ["bias"] = [1] }),
            new() { ["n.weight"] = [4, Channels, 3, 3], ["n.bias"] = [4] }),
        "BatchNormalization" => (Node(op, new() { ["eps"] = [1e-5] }),
            new() { ["n.weight"] = [Channels], ["n.bias"] = [Channels], ["n.running_mean"] = [Channels], ["n.running_var"] = [Channels] }),
        "Linear" => (Node(op), new() { ["n.weight"] = [3, Channels * Side * Side], ["n.bias"] = [3] }),
        "Clip" => (Node(op, new() { ["min"] = [0], ["max"] = [6] }), []),
        "Add" or "Concat" => (new GraphNode("n", op, [Network.InputName, Network.InputName]), []),
        "MaxPool" => (Node(op, new() { ["kernel"] = [2, 2], ["stride"] = [2, 2], ["pads"] = [1, 1, 1, 1], ["ceil"] = [0] }), []),
        "AveragePool" => (Node(op, new() { ["kernel"] = [3, 3], ["stride"] = [2, 2], ["pads"] = [1, 1, 1, 1], ["ceil"] = [1], ["count_include_pad"] = [0] }), []),
        "AdaptiveAveragePool" => (Node(op, new() { ["size"] = [2, 3] }), []),
        "LRN" => (Node(op, new() { ["size"] = [3], ["alpha"] = [1e-4], ["beta"] = [0.75], ["bias"] = [1] }), []),
        _ => (Node(op), []),
    };

    /// <summary>
    /// A weights file whose graph is the sample of <paramref name="op"/>, its attributes changed by
    /// <paramref name="change"/>; with <paramref name="afterConvolution"/>, a 1x1 convolution "a" comes first
    /// and the sample reads it (so that a late check would find something allocated already).
    /// </summary>
    public static WeightsFile File(string op, Action<Dictionary<string, double[]>>? change = null, bool afterConvolution = false)
    {
        var (node, tensors) = Of(op);
        var attributes = new Dictionary<string, double[]>(node.Attributes ?? new Dictionary<string, double[]>());
        change?.Invoke(attributes);
        var a = new GraphNode("a", "Conv", Input, null, new Dictionary<string, double[]> { ["kernel"] = [1, 1] });
        node = node with { Attributes = attributes };
        GraphNode[] nodes = [node];
        if (afterConvolution)
        {
            nodes = [a, node with { Inputs = [.. node.Inputs.Select(_ => "a")] }];
            tensors["a.weight"] = [Channels, Channels, 1, 1];
            tensors["a.bias"] = [Channels];
        }
        var random = new Random(3);
        var info = new ModelInfo("samples", Channels, new float[Channels], [.. Enumerable.Repeat(1f, Channels)], Side, 0,
            Graph: StoredGraph.Serialize(nodes));
        return new WeightsFile(info, [.. tensors.Select(t => new WeightTensor(t.Key, t.Value,
            [.. Enumerable.Range(0, t.Value.Aggregate(1, (x, y) => x * y)).Select(_ => (float)random.NextDouble() + 0.5f)]))]);
    }

    private static GraphNode Node(string op, Dictionary<string, double[]>? attributes = null) => new("n", op, Input, null, attributes);
}
