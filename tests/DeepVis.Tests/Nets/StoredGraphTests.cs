using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>A graph carried by the weights file: it survives the file, builds, and bad graphs are one clear error.</summary>
public sealed class StoredGraphTests(DeviceFixture fixture)
{
    private static readonly Dictionary<string, double[]> Conv3 = new() { ["kernel"] = [3, 3], ["pads"] = [1, 1, 1, 1] };

    private static WeightsFile File(params GraphNode[] nodes)
    {
        var random = new Random(5);
        WeightTensor T(string name, params int[] shape) =>
            new(name, shape, [.. Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => (float)(random.NextDouble() - 0.5))]);
        var info = new ModelInfo("tiny-onnx", 2, [0f, 0f], [1f, 1f], 8, 3, Graph: StoredGraph.Serialize(nodes));
        return new WeightsFile(info,
        [
            T("a.weight", 4, 2, 3, 3), T("a.bias", 4), T("b.weight", 4, 4, 3, 3), T("b.bias", 4),
            T("fc.weight", 3, 8 * 64), T("fc.bias", 3),
        ]);
    }

    private static GraphNode[] Nodes() =>
    [
        new("a", "Conv", [Network.InputName], ["first"], Conv3),
        new("a_relu", "Relu", ["a"]),
        new("b", "Conv", ["a_relu"], null, Conv3),
        new("sum", "Add", ["b", "a_relu"]),
        new("cat", "Concat", ["sum", "a"]),
        new("fc", "Linear", ["cat"], ["logits"]),
    ];

    [Fact]
    public void A_stored_graph_survives_the_file_and_builds_with_its_inputs()
    {
        using var folder = new TestWeights.TempFolder();
        File(Nodes()).Write(folder.File("g.h5"));
        using var network = Network.Load(fixture.Device, folder.File("g.h5"));
        Assert.Equal(["a", "a_relu", "b", "sum", "cat", "fc"], network.Layers.Select(l => l.Address));
        Assert.Equal([2, 1], network.Resolve("sum").Inputs);
        Assert.Equal(new[] { 1, 8, 8, 8 }, network.OutputShapes(1, 8, 8)[4]);
        Assert.Equal(5, network.Resolve("logits").Index);
        Assert.Equal(0, network.Resolve("first").Index);
    }

    [Fact]
    public void Shapes_are_inferred_only_up_to_the_layers_asked_for_and_a_misfit_says_which_sizes_fit()
    {
        using var network = Network.Build(fixture.Device, File(Nodes()));
        using (var early = new Workspace(network, [1, 2, 16, 16], network.Resolve("cat")))
            Assert.Equal(new[] { 1, 8, 16, 16 }, early.Output.Shape);
        var e = Assert.Throws<ShapeException>(() => new Workspace(network, [1, 2, 16, 16], network.Resolve("logits")));
        Assert.Contains("input 16x16 does not fit tiny-onnx up to fc", e.Message);
        Assert.EndsWith("square sizes that fit: 8", e.Message);
    }

    [Fact]
    public void An_unknown_op_lists_the_supported_ones()
    {
        var e = Assert.Throws<WeightsException>(() => Network.Build(fixture.Device, File([.. Nodes()[..5], new("fc", "Einsum", ["cat"])])));
        Assert.Contains("node 'fc' has op 'Einsum'", e.Message);
        Assert.Contains("Conv, BatchNormalization, Linear, Relu", e.Message);
    }

    [Fact]
    public void A_cycle_or_dangling_input_is_named()
    {
        var nodes = Nodes();
        nodes[2] = nodes[2] with { Inputs = ["sum"] };
        var e = Assert.Throws<WeightsException>(() => Network.Build(fixture.Device, File(nodes)));
        Assert.Contains("node 'b' reads 'sum', which is neither the input nor an earlier node", e.Message);
    }

    [Fact]
    public void A_missing_attribute_names_the_node_and_what_the_op_takes()
    {
        var nodes = Nodes();
        nodes[0] = nodes[0] with { Attributes = new Dictionary<string, double[]> { ["pads"] = [1, 1, 1, 1] } };
        var e = Assert.Throws<WeightsException>(() => Network.Build(fixture.Device, File(nodes)));
        Assert.Contains("node 'a' (Conv) lacks attribute 'kernel'", e.Message);
    }
}
