using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter;
using DeepVis.WeightsConverter.Conversion;
using Onnx;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Nets;

/// <summary>
/// The identities at inference: Dropout's and StochasticDepth's stored forms (the samples the registry
/// tests round-trip; neither takes an attribute), ONNX Dropout in the forms of every opset, and ONNX
/// Identity, each imported and run, or refused in one line where the graph asks for training.
/// </summary>
public sealed class DropoutOpTests(DeviceFixture fixture) : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    /// <summary>One node per stored name, for <see cref="OpRegistryTests"/>.</summary>
    public static IReadOnlyDictionary<string, OpSample> Samples { get; } = new Dictionary<string, OpSample>
    {
        ["Dropout"] = OpSample.Of("Dropout"),
        ["StochasticDepth"] = OpSample.Of("StochasticDepth"),
    };

    private WeightsFile Import(ModelProto model) => ModelConverter.Convert(model.Save(_folder.File("m.onnx")), new ConvertOptions());

    private static TensorProto Bool(string name, bool value)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Bool };
        tensor.Int32Data.Add(value ? 1 : 0);
        return tensor;
    }

    private static TensorProto Scalar(string name, float value) => Floats(name, [], [value]);

    /// <summary>Dropout as each opset writes it, between two ReLUs (so that the dropout reads and feeds computed values).</summary>
    public static TheoryData<int, string> Forms => new()
    {
        { 6, "is_test 0, ratio and consumed_inputs attributes" },
        { 6, "is_test 1" },
        { 10, "ratio attribute" },
        { 13, "ratio and training_mode false inputs" },
        { 13, "training_mode true with ratio 0" },
        { 13, "no optional inputs" },
    };

    private static ModelProto DropoutModel(int opset, string form, List<TensorProto>? extra = null)
    {
        List<TensorProto> initializers = [];
        string[] inputs = ["a"];
        AttributeProto[] attributes = [];
        switch (form)
        {
            case "is_test 0, ratio and consumed_inputs attributes":
                attributes = [Int("is_test", 0), Float("ratio", 0.3f), Ints("consumed_inputs", 0)];
                break;
            case "is_test 1":
                attributes = [Int("is_test", 1)];
                break;
            case "ratio attribute":
                attributes = [Float("ratio", 0.3f)];
                break;
            case "ratio and training_mode false inputs":
                (inputs, initializers) = (["a", "r", "t"], [Scalar("r", 0.3f), Bool("t", false)]);
                break;
            case "training_mode true with ratio 0":
                (inputs, initializers) = (["a", "r", "t"], [Scalar("r", 0), Bool("t", true)]);
                break;
        }
        initializers.AddRange(extra ?? []);
        return OnnxModel([2, 3, 4, 5], opset, initializers,
            Node("Relu", "before", ["x"], "a"), Node("Dropout", "drop", inputs, "b", attributes), Node("Relu", "after", ["b"], "y"));
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void Onnx_dropout_of_every_opset_imports_as_the_identity(int opset, string form)
    {
        var file = Import(DropoutModel(opset, form));
        Assert.Equal(["Relu", "Dropout", "Relu"], StoredGraph.Parse(file.Info.Graph!, "test").Select(n => n.Op));
        var rng = new Random(7);
        var x = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        using var network = Network.Build(fixture.Device, file);
        using var workspace = new Workspace(network, [2, 3, 4, 5], network.Resolve("drop"));
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        Assert.Equal(x.Select(v => Math.Max(v, 0f)), workspace.Output.ToArray());
    }

    [Fact]
    public void Onnx_dropout_in_training_is_one_line()
    {
        var e = Assert.Throws<WeightsFormatException>(() => Import(OnnxModel([1, 3, 4, 4], 13, [Scalar("r", 0.2f), Bool("t", true)],
            Node("Dropout", "drop", ["x", "r", "t"], "y"))));
        Assert.EndsWith("node 'drop' (Dropout): input training_mode is true with ratio 0.2; DeepVis runs Dropout at inference (training_mode false), where it is the identity",
            e.Message);
        e = Assert.Throws<WeightsFormatException>(() => Import(OnnxModel([1, 3, 4, 4], 13, [],
            Node("Relu", "r", ["x"], "t"), Node("Dropout", "drop", ["x", "", "t"], "y"))));
        Assert.Contains("node 'drop' (Dropout): its input training_mode must be a constant", e.Message);
        e = Assert.Throws<WeightsFormatException>(() => Import(OnnxModel([1, 3, 4, 4], 13, [],
            Node("Dropout", "drop", ["x"], "y", Float("training", 1)))));
        Assert.Contains("attribute 'training' is not supported; Dropout takes ratio, is_test, seed, consumed_inputs", e.Message);
    }

    [Fact]
    public void Onnx_dropouts_mask_may_not_be_read()
    {
        var drop = Node("Dropout", "drop", ["x"], "y");
        drop.Output.Add("mask");
        var e = Assert.Throws<WeightsFormatException>(() => Import(OnnxModel([1, 3, 4, 4], 13, [], drop, Node("Relu", "r", ["mask"], "z"))));
        Assert.Contains("node 'drop' (Dropout): its output 'mask' is read; DeepVis imports only the first output of Dropout", e.Message);
    }

    [Fact]
    public void Onnx_identity_becomes_no_node_and_passes_computed_and_constant_values()
    {
        // A constant through Identity still reaches the convolution as its weight.
        var file = Import(OnnxModel([1, 3, 5, 5], 13, [Floats("w", [4, 3, 3, 3])],
            Node("Identity", "wi", ["w"], "w2"), Node("Identity", "xi", ["x"], "x2"),
            Node("Conv", "c", ["x2", "w2"], "a"), Node("Identity", "ai", ["a"], "b"), Node("Relu", "r", ["b"], "y")));
        Assert.Equal(["Conv", "Relu"], StoredGraph.Parse(file.Info.Graph!, "test").Select(n => n.Op));
        using var network = Network.Build(fixture.Device, file);
        Assert.Equal([1, 4, 3, 3], network.OutputShapes(1, 5, 5)[network.Resolve("r").Index]);
        var e = Assert.Throws<WeightsFormatException>(() => Import(OnnxModel([1, 3, 4, 4], 13, [],
            Node("Relu", "r", ["x"], "a"), Node("Identity", "i", ["a"], "y", Int("axis", 1)))));
        Assert.Contains("node 'i' (Identity): attribute 'axis' is not supported; Identity takes no attributes", e.Message);
    }
}
