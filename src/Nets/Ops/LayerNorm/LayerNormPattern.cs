using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// Before an ONNX graph is mapped, finds the layer normalizations exporters write out at opsets below 17
/// (torch.onnx: ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div, then Mul by the weight and Add of
/// the bias when there are any) and puts one LayerNormalization node in place of each, over the same
/// trailing axes: one op with one backward instead of nine. A chain whose intermediate values anything
/// else reads, or whose axes are not the last ones, is left as it is.
/// </summary>
internal static class LayerNormPattern
{
    public static IReadOnlyList<NodeProto> Fuse(GraphProto graph, IReadOnlyDictionary<string, OnnxConstant> initializers, string folder)
    {
        var nodes = graph.Node.ToList();
        var readers = new Dictionary<string, List<int>>();
        for (var i = 0; i < nodes.Count; i++)
            foreach (var input in nodes[i].Input.Where(n => n.Length > 0)) (readers.TryGetValue(input, out var list) ? list : readers[input] = []).Add(i);
        var outputs = graph.Output.Select(o => o.Name).ToHashSet();
        var constants = new Dictionary<string, NodeProto>();
        foreach (var node in nodes.Where(n => n.OpType == "Constant" && n.Output.Count == 1)) constants.TryAdd(node.Output[0], node);

        float[]? ConstantOf(string name)
        {
            try
            {
                return initializers.TryGetValue(name, out var c) ? c.AsFloats(name)
                    : constants.TryGetValue(name, out var node) ? new OnnxAttributes(node, folder).Constant().AsFloats(name) : null;
            }
            catch (OnnxException)
            {
                return null;
            }
        }

        // The one node that reads node i's output, of the given type, when nothing else (nor the graph's outputs) reads it.
        int? Only(int i, string op)
        {
            var value = nodes[i].Output[0];
            return readers.GetValueOrDefault(value) is [var j] && nodes[j].OpType == op && !outputs.Contains(value) ? j : null;
        }

        long[]? Axes(NodeProto node)
        {
            var attributes = new OnnxAttributes(node, folder);
            if (attributes.Int("keepdims", 1) != 1) return null;
            return attributes.IntsOrNull("axes") ?? (node.Input.Count > 1 ? ConstantOf(node.Input[1])?.Select(v => (long)v).ToArray() : null);
        }

        // The other operand of a two-input node, when one operand is `value`.
        string? Other(NodeProto node, string value) =>
            node.Input.Count != 2 ? null : node.Input[0] == value ? node.Input[1] : node.Input[1] == value ? node.Input[0] : null;

        var replaced = new Dictionary<int, NodeProto>();
        var removed = new HashSet<int>();
        for (var i = 0; i < nodes.Count; i++)
        {
            // A malformed node (a missing input, an attribute of the wrong type) is left to the mapping, which names it in one line.
            try
            {
                if (nodes[i].OpType != "ReduceMean" || nodes[i].Input.Count == 0 || Axes(nodes[i]) is not { Length: > 0 } axes) continue;
                var sorted = axes.Order().ToArray();
                if (sorted[^1] != -1 || sorted.Where((a, k) => a != sorted[0] + k).Any()) continue;
                var x = nodes[i].Input[0];
                if (Only(i, "Sub") is not { } sub || nodes[sub].Input[0] != x || nodes[sub].Input[1] != nodes[i].Output[0]) continue;
                var centred = nodes[sub].Output[0];
                if (readers.GetValueOrDefault(centred) is not { Count: 2 } two || outputs.Contains(centred)) continue;
                var (pow, div) = nodes[two[0]].OpType == "Pow" ? (two[0], two[1]) : (two[1], two[0]);
                if (nodes[pow].OpType != "Pow" || nodes[pow].Input[0] != centred || ConstantOf(nodes[pow].Input[1]) is not [2f]) continue;
                if (Only(pow, "ReduceMean") is not { } variance || Axes(nodes[variance]) is not { } axes2 || !axes2.Order().SequenceEqual(sorted)) continue;
                if (Only(variance, "Add") is not { } add || ConstantOf(Other(nodes[add], nodes[variance].Output[0]) ?? "") is not [var eps]) continue;
                if (Only(add, "Sqrt") is not { } sqrt || Only(sqrt, "Div") != div || nodes[div].Input[0] != centred) continue;
                var chain = new List<int> { i, sub, pow, variance, add, sqrt, div };
                string scale = "", bias = "";
                if (Only(div, "Mul") is { } mul && Other(nodes[mul], nodes[div].Output[0]) is { } s && ConstantOf(s) is not null)
                {
                    (scale, chain) = (s, [.. chain, mul]);
                    if (Only(mul, "Add") is { } shift && Other(nodes[shift], nodes[mul].Output[0]) is { } b && ConstantOf(b) is not null)
                        (bias, chain) = (b, [.. chain, shift]);
                }
                var last = nodes[chain[^1]];
                var fused = new NodeProto
                {
                    OpType = "LayerNormalization",
                    Name = last.Name.Contains('/') ? last.Name[..(last.Name.LastIndexOf('/') + 1)] + "LayerNormalization" : last.Name,
                    Input = { x, scale, bias },
                    Output = { last.Output[0] },
                    Attribute =
                    {
                        new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = sorted[0] },
                        new AttributeProto { Name = "epsilon", Type = AttributeProto.Types.AttributeType.Float, F = eps },
                    },
                };
                removed.UnionWith(chain);
                replaced[chain[^1]] = fused;
            }
            catch (Exception e) when (e is OnnxException or ArgumentOutOfRangeException)
            {
            }
        }
        return [.. nodes.Select((n, i) => replaced.GetValueOrDefault(i) ?? (removed.Contains(i) ? null : n)).OfType<NodeProto>()];
    }
}
