using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using Google.Protobuf;
using Onnx;

namespace DeepVis.Nets.Onnx;

/// <summary>
/// Reads an ONNX model (protobuf, parsed with the official onnx.proto) into a weights file that
/// carries its own graph (<see cref="StoredGraph"/>). Nothing in the file is executed: constant
/// subgraphs are evaluated by <see cref="ConstantFolding"/>, other nodes mapped by <see cref="OnnxOps"/>.
/// Normalization is not in an ONNX file: the model gets mean 0, std 1, range 1, RGB until told otherwise.
/// </summary>
public static class OnnxImporter
{
    /// <summary>The stored-graph file for the model at <paramref name="path"/>; any problem is one line naming the file (and node).</summary>
    public static WeightsFile Import(string path)
    {
        var model = Parse(path);
        var graph = model.Graph;
        var opset = (int)(model.OpsetImport.Where(o => o.Domain is "" or "ai.onnx").Select(o => o.Version).DefaultIfEmpty(1).Max());
        if (model.OpsetImport.FirstOrDefault(o => o.Domain is not ("" or "ai.onnx")) is { } other && graph.Node.Any(n => n.Domain == other.Domain))
            throw WeightsFormatException.For(path, $"uses operator set '{other.Domain}'; DeepVis imports the standard ONNX ops only");
        var folder = Path.GetDirectoryName(Path.GetFullPath(path))!;

        var initializers = new Dictionary<string, OnnxConstant>();
        foreach (var tensor in graph.Initializer)
        {
            try
            {
                initializers[tensor.Name] = OnnxTensors.Read(tensor, folder);
            }
            catch (OnnxException e)
            {
                throw WeightsFormatException.For(path, e.Message);
            }
        }
        var (inputName, batch, item) = Input(graph, initializers.Keys, path);
        var ops = new OnnxOps(graph, inputName, batch, item, initializers, opset, folder);
        foreach (var node in LayerNormPattern.Fuse(graph, initializers, folder))
        {
            try
            {
                ops.Map(node);
            }
            catch (Exception e) when (e is OnnxException or IndexOutOfRangeException or ArgumentException or NullReferenceException)
            {
                // The others mean a node without the inputs or attributes its op requires.
                var what = e is OnnxException ? e.Message : $"malformed (an input or attribute its op requires is missing: {WeightsFormatException.OneLine(e.Message)})";
                var name = node.Name.Length > 0 ? node.Name : node.Output.FirstOrDefault() ?? "";
                throw WeightsFormatException.For(path, $"node '{name}' ({node.OpType}): {what}");
            }
        }
        if (ops.Drafts.Count == 0)
            throw WeightsFormatException.For(path, graph.Node.Count == 0 ? "the graph has no node"
                : $"the graph computes nothing DeepVis can visualize: its nodes ({string.Join(", ", graph.Node.Select(n => n.OpType).Distinct().Take(8))}) are identities at inference or constants");

        var outputs = graph.Output.Select(o => ops.DraftOf(o.Name)
            ?? throw WeightsFormatException.For(path, $"graph output '{o.Name}' is {(o.Name.Length == 0 ? "unnamed" : "not computed from the input")}")).ToHashSet();
        var addresses = OnnxAddresses.Assign(ops.Drafts, outputs);
        var nodes = new List<GraphNode>();
        var tensors = new List<WeightTensor>();
        foreach (var (draft, i) in ops.Drafts.Select((d, i) => (d, i)))
        {
            var attributes = new Dictionary<string, double[]>(draft.Attributes);
            if (draft.Op == "Conv") attributes["bias"] = [draft.Tensors.ContainsKey("bias") ? 1 : 0];
            if (draft is { Op: "Linear" or "MatMul", AwaitsBias: true }) draft.Tensors["bias"] = OnnxConstant.Of(new float[draft.Shape[^1]], draft.Shape[^1]);
            nodes.Add(new GraphNode(addresses[i], draft.Op, [.. draft.Inputs.Select(j => j == Draft.Input ? Network.InputName : addresses[j])],
                draft.Aliases.Count > 0 ? draft.Aliases : null, attributes.Count > 0 ? attributes : null,
                draft.Notes.Count > 0 ? string.Join("; ", draft.Notes) : null));
            tensors.AddRange(draft.Tensors.Select(t => new WeightTensor($"{addresses[i]}.{t.Key}", t.Value.Shape, t.Value.AsFloats(t.Key))));
        }

        var last = outputs.Count == 1 ? outputs.First() : -1;
        var classCount = last >= 0 && ops.ShapeOf(last) is [var features] ? features : 0;
        var info = new ModelInfo(Path.GetFileNameWithoutExtension(path), item[0], new float[item[0]], [.. Enumerable.Repeat(1f, item[0])],
            item[1] == item[2] ? item[1] : 224, classCount, Graph: StoredGraph.Serialize(nodes));
        return new WeightsFile(info, tensors);
    }

    private static ModelProto Parse(string path)
    {
        ModelProto model;
        try
        {
            using var stream = File.OpenRead(path);
            model = ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw WeightsFormatException.For(path, $"not a readable ONNX model (a truncated or corrupt file: {WeightsFormatException.OneLine(e.Message)})");
        }
        if (model.IrVersion <= 0 || model.Graph is null || model.Graph.Node.Count == 0)
            throw WeightsFormatException.For(path, "not an ONNX model (no IR version or no graph); a truncated or corrupt file?");
        return model;
    }

    /// <summary>The one image input [N, C, H, W]: its name, declared batch (null: open) and item shape (H, W open: 224).</summary>
    private static (string Name, long? Batch, int[] Item) Input(GraphProto graph, IEnumerable<string> initializers, string path)
    {
        var constant = initializers.ToHashSet();
        var inputs = graph.Input.Where(i => !constant.Contains(i.Name)).ToList();
        if (inputs.Count != 1)
            throw WeightsFormatException.For(path, $"the graph has {inputs.Count} inputs ({string.Join(", ", inputs.Select(i => i.Name))}); DeepVis runs models with one image input [N, C, H, W]");
        var input = inputs[0];
        var tensor = input.Type?.TensorType;
        var dims = tensor?.Shape?.Dim.Select(d => d.HasDimValue ? d.DimValue : (long?)null).ToArray();
        if (tensor is null || tensor.ElemType != (int)TensorProto.Types.DataType.Float || dims is not { Length: 4 } || dims[1] is not (> 0 and <= 4096)
            || dims[2] is <= 0 or > 65536 || dims[3] is <= 0 or > 65536)
        {
            var type = tensor is null ? "not a tensor" : ((TensorProto.Types.DataType)tensor.ElemType).ToString().ToUpperInvariant();
            var declared = dims is null ? "of unknown shape" : $"[{string.Join(", ", dims.Select(d => d?.ToString() ?? "?"))}]";
            throw WeightsFormatException.For(path,
                $"input '{input.Name}' is {type} {declared}; DeepVis runs image models, a FLOAT input [N, C, H, W] with a known channel count (1 to 4096)");
        }
        return (input.Name, dims[0], [(int)dims[1]!.Value, (int)(dims[2] ?? 224), (int)(dims[3] ?? 224)]);
    }
}
