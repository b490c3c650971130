using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using Onnx;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Converter;

/// <summary>
/// The layout ops from ONNX on small graphs built in code: Transpose, Reshape, Squeeze, Unsqueeze, Flatten
/// past the batch, Slice, Split and Gather on computed values, LayerNormalization and the decomposition
/// LayerNormPattern fuses; each refusal one line naming the node, the attribute or value and what is supported.
/// </summary>
public sealed class LayoutOnnxTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private IReadOnlyList<GraphNode> Imported(ModelProto model) =>
        StoredGraph.Parse(ModelConverter.Convert(model.Save(_folder.File("m.onnx")), new ConvertOptions()).Info.Graph!, "test");

    private void Refused(ModelProto model, string expected)
    {
        var e = Assert.Throws<WeightsFormatException>(() => ModelConverter.Convert(model.Save(_folder.File("m.onnx")), new ConvertOptions()));
        Assert.DoesNotContain('\n', e.Message);
        Assert.Contains(expected, e.Message);
    }

    private static double[] Attribute(GraphNode node, string name) => node.Attributes![name];

    private static NodeProto Outputs(NodeProto node, params string[] more)
    {
        node.Output.AddRange(more);
        return node;
    }

    [Fact]
    public void Split_sizes_from_the_input_or_equal_parts_become_one_slice_per_output()
    {
        var graph = Imported(OnnxModel([1, 3, 4, 4], 13, [Longs("sizes", 1, 2)],
            Outputs(Node("Split", "split", ["x", "sizes"], "a", Int("axis", 1)), "b"), Node("Concat", "cat", ["b", "a"], "y", Int("axis", 1))));
        Assert.Equal(["Slice", "Slice", "Concat"], graph.Select(n => n.Op));
        Assert.Equal([0, 1], [Attribute(graph[0], "start")[0], Attribute(graph[0], "end")[0]]);
        Assert.Equal([1, 3], [Attribute(graph[1], "start")[0], Attribute(graph[1], "end")[0]]);
        Assert.Equal([graph[1].Address, graph[0].Address], graph[2].Inputs);

        graph = Imported(OnnxModel([1, 4, 4, 4], 11, [],
            Outputs(Node("Split", "split", ["x"], "a", Int("axis", -3)), "b"), Node("Concat", "cat", ["b", "a"], "y", Int("axis", 1))));
        Assert.Equal([2, 4], [Attribute(graph[1], "start")[0], Attribute(graph[1], "end")[0]]);
    }

    [Fact]
    public void Slice_inputs_with_steps_and_gather_of_one_index_are_strided_slices()
    {
        var graph = Imported(OnnxModel([1, 6, 5, 5], 13, [Longs("s", 1, -4), Longs("e", long.MaxValue, 5), Longs("a", 1, 3), Longs("st", 2, 1)],
            Node("Slice", "slice", ["x", "s", "e", "a", "st"], "y")));
        Assert.Equal(["Slice", "Slice"], graph.Select(n => n.Op));
        Assert.Equal([1, 1, 6, 2], new[] { "axis", "start", "end", "step" }.Select(a => Attribute(graph[0], a)[0]));
        Assert.Equal([3, 1, 5, 1], new[] { "axis", "start", "end", "step" }.Select(a => Attribute(graph[1], a)[0]));

        var index = new TensorProto { Name = "i", DataType = (int)TensorProto.Types.DataType.Int64 };
        index.Int64Data.Add(-1);
        graph = Imported(OnnxModel([1, 3, 4, 4], 13, [index], Node("Gather", "pick", ["x", "i"], "y", Int("axis", 2))));
        Assert.Equal([2, 3, 4, 1], new[] { "axis", "start", "end", "squeeze" }.Select(a => Attribute(graph.Single(), a)[0]));
    }

    [Fact]
    public void Squeeze_unsqueeze_flatten_past_the_batch_and_transpose_keep_the_batch_first()
    {
        var graph = Imported(OnnxModel([1, 3, 4, 4], 13, [Longs("axes", 2)],
            Node("Relu", "r", ["x"], "r"), Node("Unsqueeze", "u", ["r", "axes"], "u"), Node("Squeeze", "s", ["u", "axes"], "s"),
            Node("Transpose", "t", ["s"], "t", Ints("perm", 0, 2, 3, 1)), Node("Flatten", "f", ["t"], "y", Int("axis", 2))));
        Assert.Equal(["Relu", "Reshape", "Reshape", "Transpose", "Reshape"], graph.Select(n => n.Op));
        Assert.Equal([3, 1, 4, 4], Attribute(graph[1], "shape"));
        Assert.Equal([3, 4, 4], Attribute(graph[2], "shape"));
        Assert.Equal([0, 2, 3, 1], Attribute(graph[3], "perm"));
        Assert.Equal([4, 12], Attribute(graph[4], "shape"));
    }

    public static TheoryData<int, string, string[], long[], string> Refusals => new()
    {
        { 13, "Transpose", ["x"], [], "node 't' (Transpose): attribute 'perm': perm [3, 2, 1, 0] moves the batch axis" },
        { 13, "Slice", ["x", "v", "v2", "one", "minus"], [], "node 't' (Slice): step -1 on axis 1 is not supported; DeepVis slices forward" },
        { 13, "Slice", ["x", "zero", "one", "zero"], [], "node 't' (Slice): it slices the batch axis (0 to 1)" },
        { 13, "Squeeze", ["x", "one"], [], "node 't' (Squeeze): squeezes axis 1 of side 3; only axes of side 1 can be squeezed" },
        { 13, "Unsqueeze", ["x", "zero"], [], "node 't' (Unsqueeze): axis 0 is the batch axis; DeepVis reshapes only what follows the batch axis" },
        { 13, "Gather", ["x", "picks"], [], "node 't' (Gather): indices [3] [0, 2, 1] are not one index or evenly increasing ones" },
        { 13, "Flatten", ["x"], [0], "node 't' (Flatten): axis 0 is the batch axis; DeepVis flattens from axis 1 to 4" },
        { 17, "LayerNormalization", ["x"], [0], "node 't' (LayerNormalization): attribute 'axis' is 0; DeepVis normalizes axes after the batch" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void What_would_move_the_batch_or_cannot_be_sliced_is_one_line(int opset, string op, string[] inputs, long[] axis, string expected)
    {
        TensorProto[] constants = [Longs("one", 1), Longs("zero", 0), Longs("minus", -1), Longs("v", 2), Longs("v2", 0), Longs("picks", 0, 2, 1)];
        Refused(OnnxModel([1, 3, 4, 4], opset, constants,
            Node(op, "t", inputs, "y", [.. axis.Select(a => Int("axis", a)), .. op == "Gather" ? [Int("axis", 1)] : Array.Empty<AttributeProto>()])), expected);
    }

    [Fact]
    public void A_layer_norm_written_out_at_opset_13_is_fused_into_one_node()
    {
        foreach (var file in new[] { "convnext-narrow-opset13", "convnext-narrow-opset17" })
        {
            var graph = StoredGraph.Parse(ModelConverter.Convert(Fixtures.Path($"{file}.onnx"), new ConvertOptions()).Info.Graph!, file);
            // features.0.1, seven blocks' block.2, three downsampling norms and classifier.0.
            Assert.Equal(12, graph.Count(n => n.Op == "LayerNorm"));
            Assert.DoesNotContain(graph, n => n.Op is "ReduceMean" or "Sub");
            Assert.Contains(graph, n => n.Op == "LayerNorm" && n.Address == "features.1.0.block.2");
        }
    }

    [Fact]
    public void A_decomposition_over_leading_axes_is_not_fused()
    {
        TensorProto[] constants = [Floats("two", [1], [2f]), Floats("eps", [1], [1e-5f])];
        Refused(OnnxModel([1, 3, 4, 4], 13, constants,
            Node("ReduceMean", "m", ["x"], "m", Ints("axes", 1)), Node("Sub", "d", ["x", "m"], "d"), Node("Pow", "p", ["d", "two"], "p"),
            Node("ReduceMean", "v", ["p"], "v", Ints("axes", 1)), Node("Add", "ve", ["v", "eps"], "ve"), Node("Sqrt", "s", ["ve"], "s"),
            Node("Div", "y", ["d", "s"], "y")), "node 'p' (Pow): op 'Pow' is not supported");
    }

    [Fact]
    public void A_malformed_node_where_a_layer_norm_could_start_is_left_to_the_mapping_and_named()
    {
        Refused(OnnxModel([1, 3, 4, 4], 13, [], Node("ReduceMean", "m", ["x"], "y", Ints("axes", -1), Float("keepdims", 1))),
            "node 'm' (ReduceMean): attribute 'keepdims' is Float, expected Int");
        Refused(OnnxModel([1, 3, 4, 4], 13, [], Node("ReduceMean", "m", ["x"], "m", Ints("axes", -1)), Node("Sub", "d", ["x"], "y")),
            "node 'd' (Sub)");
    }
}
