using System.Reflection;
using DeepVis.Nets;
using DeepVis.Nets.Layers;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Ops;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Nets;

/// <summary>
/// What the registry promises for every op: each kernel class has its test matrix (<c>OnCpu</c> and
/// <c>OnIlgpu</c>) and a double-precision reference, found by name; each stored op's sample (in its
/// folder's <c>&lt;Op&gt;OpTests</c>) survives a weights file and builds its declared layer.
/// </summary>
public sealed class OpRegistryTests(DeviceFixture fixture)
{
    private static readonly Type[] TestTypes = typeof(OpRegistryTests).Assembly.GetTypes();

    public static TheoryData<string> Ops => [.. OpRegistry.All.Select(op => op.Name)];

    public static TheoryData<string> StoredOps => [.. OpRegistry.Stored.Keys];

    [Theory]
    [MemberData(nameof(Ops))]
    public void Every_kernel_class_of_an_op_has_tests_on_both_implementations_and_a_reference(string name)
    {
        var op = OpRegistry.All.Single(o => o.Name == name);
        Assert.NotEmpty(op.Kernels);
        foreach (var kernel in op.Kernels)
        {
            var tests = TestTypes.SingleOrDefault(t => t.Name == $"{kernel.Name}Tests");
            Assert.True(tests is { IsAbstract: true }, $"{name}: no abstract test class {kernel.Name}Tests");
            foreach (var implementation in new[] { "OnCpu", "OnIlgpu" })
                Assert.True(tests.GetNestedType(implementation) is { } nested && nested.IsSubclassOf(tests),
                    $"{name}: {tests.Name} has no {implementation} deriving from it");
            Assert.True(tests.GetMethods().Any(m => m.GetCustomAttribute<FactAttribute>() is not null), $"{name}: {tests.Name} has no tests");
            Assert.Contains(TestTypes, t => t.Name == $"{kernel.Name}Reference" && t.Namespace == "DeepVis.Tests.Reference");
        }
        if (op.Layer is { } layer) Assert.True(typeof(ILayer).IsAssignableFrom(layer), $"{name}: {layer.Name} is not a layer");
        else Assert.Empty(op.Stored);
    }

    [Fact]
    public void Stored_op_names_and_onnx_op_types_are_each_claimed_once()
    {
        var stored = OpRegistry.All.SelectMany(op => op.Stored.Keys).ToList();
        Assert.Equal(stored.Count, stored.Distinct().Count());
        var onnx = OpRegistry.All.SelectMany(op => op.Onnx.Keys).ToList();
        Assert.Equal(onnx.Count, onnx.Distinct().Count());
        Assert.Equal(stored, StoredGraph.Ops.Keys);
    }

    [Theory]
    [MemberData(nameof(StoredOps))]
    public void Every_stored_op_survives_the_file_and_builds_its_layer(string name)
    {
        var op = OpRegistry.All.Single(o => o.Stored.ContainsKey(name));
        using var folder = new TestWeights.TempFolder();
        var file = OpSample.For(name).File();
        file.Write(folder.File("op.h5"));
        var read = WeightsFile.Read(folder.File("op.h5"));
        Assert.Equal(StoredGraph.Parse(file.Info.Graph!, "samples"), StoredGraph.Parse(read.Info.Graph!, "samples"), GraphNodeComparer.Instance);
        using var network = Network.Build(fixture.Device, read);
        var node = network.Resolve("n");
        Assert.IsType(op.Layer!, node.Layer);
        Assert.NotEmpty(network.OutputShapes(1, OpSample.Side, OpSample.Side, [node])[node.Index]);
    }

    /// <summary>Nodes are equal when every field and every attribute value is.</summary>
    private sealed class GraphNodeComparer : IEqualityComparer<GraphNode>
    {
        public static readonly GraphNodeComparer Instance = new();

        public bool Equals(GraphNode? a, GraphNode? b) =>
            a is not null && b is not null && a.Address == b.Address && a.Op == b.Op && a.Inputs.SequenceEqual(b.Inputs)
            && (a.Attributes ?? new Dictionary<string, double[]>()).Count == (b.Attributes ?? new Dictionary<string, double[]>()).Count
            && (a.Attributes ?? new Dictionary<string, double[]>()).All(p => b.Attributes!.TryGetValue(p.Key, out var v) && v.SequenceEqual(p.Value));

        public int GetHashCode(GraphNode node) => node.Address.GetHashCode();
    }
}
