using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Ops;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using Onnx;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Converter;

/// <summary>
/// Legal ONNX attributes of mapped ops that the node tests do not reach at image shapes: BatchNormalization's
/// legacy is_test and spatial (opset 6) and MaxPool's dilations, imported from graphs built in code and run
/// against a double-precision computation; the values DeepVis cannot honour refused in one line naming
/// the node, the op, the attribute and its value.
/// </summary>
public sealed class OnnxAttributeTests(DeviceFixture fixture) : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private WeightsFile Import(ModelProto model) => ModelConverter.Convert(model.Save(_folder.File("m.onnx")), new ConvertOptions());

    private void Refused(ModelProto model, params string[] fragments)
    {
        var e = Assert.Throws<WeightsFormatException>(() => Import(model));
        Assert.DoesNotContain('\n', e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
    }

    private float[] Run(WeightsFile file, int[] shape, float[] x)
    {
        using var network = Network.Build(fixture.Device, file);
        using var workspace = new Workspace(network, shape, network.Layers[^1]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        return workspace.Output.ToArray();
    }

    private static float[] Random(int count, int seed)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() * 2 - 1))];
    }

    private static ModelProto BatchNorm(int opset, params AttributeProto[] attributes) =>
        OnnxModel([2, 3, 2, 2], opset,
            [Floats("g", [3], [1.5f, -0.5f, 2]), Floats("b", [3], [0.1f, 0.2f, -0.3f]), Floats("m", [3], [0.2f, -0.1f, 0]), Floats("v", [3], [0.5f, 2, 1])],
            Node("BatchNormalization", "bn", ["x", "g", "b", "m", "v"], "y", attributes));

    [Theory]
    [InlineData(6)]
    [InlineData(1)]
    public void Legacy_batch_normalization_at_inference_imports_and_normalizes_per_channel(int opset)
    {
        AttributeProto[] attributes = opset == 1
            ? [Int("is_test", 1), Int("spatial", 1), Ints("consumed_inputs", 0, 0, 0, 1, 1), Float("epsilon", 1e-3f)]
            : [Int("is_test", 1), Int("spatial", 1), Float("epsilon", 1e-3f), Float("momentum", 0.9f)];
        var x = Random(24, 6);
        var y = Run(Import(BatchNorm(opset, attributes)), [2, 3, 2, 2], x);
        double[] g = [1.5, -0.5, 2], b = [0.1, 0.2, -0.3], m = [0.2, -0.1, 0], v = [0.5, 2, 1];
        for (var i = 0; i < x.Length; i++)
        {
            var c = i / 4 % 3;
            var expected = (x[i] - m[c]) / Math.Sqrt(v[c] + 1e-3) * g[c] + b[c];
            Assert.True(Math.Abs(y[i] - expected) <= 1e-5 * (1 + Math.Abs(expected)), $"element {i}: {y[i]}, expected {expected}");
        }
    }

    [Theory]
    // (op, opset, axis attribute or null, reduced length and stride on [2, 3, 2, 4]); opset 11 coerces to 2-D at the axis.
    [InlineData("Softmax", 13, 1L, 3, 8)]
    [InlineData("Softmax", 13, null, 4, 1)]
    [InlineData("LogSoftmax", 13, -2L, 2, 4)]
    [InlineData("Softmax", 11, null, 24, 1)]
    [InlineData("LogSoftmax", 11, 2L, 8, 1)]
    [InlineData("Softmax", 11, 3L, 4, 1)]
    public void Softmax_over_any_axis_imports_and_matches_the_reference_forward_and_backward(string op, int opset, long? axis, int length, int inner)
    {
        int[] shape = [2, 3, 2, 4];
        var file = Import(OnnxModel(shape, opset, [], Node(op, "sm", ["x"], "y", axis is { } a ? [Int("axis", a)] : [])));
        var x = Random(48, 13);
        var dy = Random(48, 14);
        using var network = Network.Build(fixture.Device, file);
        using var workspace = new Workspace(network, shape, network.Layers[^1]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        workspace.OutputGradient.CopyFrom(dy);
        workspace.Backward();
        var log = op == "LogSoftmax";
        var (y, dx) = (workspace.Output.ToArray(), workspace.InputGradient.ToArray());
        var (expectedY, expectedDx) = (SoftmaxReference.Forward([.. x.Select(v => (double)v)], length, inner, log),
            SoftmaxReference.Backward([.. x.Select(v => (double)v)], length, inner, [.. dy.Select(v => (double)v)], log));
        for (var i = 0; i < 48; i++)
        {
            Assert.True(Math.Abs(y[i] - expectedY[i]) <= 1e-5, $"{op} output {i}: {y[i]}, expected {expectedY[i]}");
            Assert.True(Math.Abs(dx[i] - expectedDx[i]) <= 1e-5, $"{op} input gradient {i}: {dx[i]}, expected {expectedDx[i]}");
        }
    }

    [Theory]
    [InlineData(13, 0L)]
    [InlineData(13, -4L)]
    [InlineData(11, 4L)]
    public void Softmax_over_the_batch_is_refused_naming_the_axis(int opset, long axis) =>
        Refused(OnnxModel([2, 3, 2, 4], opset, [], Node("Softmax", "sm", ["x"], "y", Int("axis", axis))),
            "node 'sm' (Softmax)", $"attribute 'axis' is {axis} for a rank-4 input; DeepVis takes an axis from 1 to 3");

    [Fact]
    public void MaxPool_dilations_import_with_same_padding_and_match_the_reference()
    {
        int[] shape = [1, 2, 7, 6];
        var file = Import(OnnxModel(shape, 12, [],
            Node("MaxPool", "p", ["x"], "y", Ints("kernel_shape", 3, 2), Ints("dilations", 2, 3), Text("auto_pad", "SAME_UPPER"))));
        var node = StoredGraph.Parse(file.Info.Graph!, "test").Single();
        Assert.Equal([2.0, 3], node.Attributes!["dilation"]);
        Assert.Equal([2.0, 1, 2, 2], node.Attributes!["pads"]);
        var x = Random(84, 9);
        var settings = new Pool2dSettings(3, 2, 1, 1, 2, 1, 2, 2, false, 2, 3);
        var expected = MaxPool2dReference.Forward([.. x.Select(v => (double)v)], shape, settings);
        Assert.Equal(84, expected.Length);
        Assert.Equal(expected.Select(v => (float)v), Run(file, shape, x));
    }

    [Theory]
    // (mode, value, opset): pads [top 1, left 2, bottom 2, right 0] of a [1, 2, 3, 4] input, from the pads input or the opset-2 attributes.
    [InlineData("reflect", 0f, 13)]
    [InlineData("edge", 0f, 13)]
    [InlineData("constant", 1.5f, 13)]
    [InlineData("constant", -2f, 10)]
    [InlineData("reflect", 0f, 10)]
    public void Pad_modes_on_a_computed_value_import_and_match_the_reference_forward_and_backward(string mode, float value, int opset)
    {
        int[] shape = [1, 2, 3, 4];
        long[] pads = [0, 0, 1, 2, 0, 0, 2, 0];
        var pad = opset >= 11
            ? Node("Pad", "pad", ["r", "pads", "v"], "y", Text("mode", mode))
            : Node("Pad", "pad", ["r"], "y", Text("mode", mode), Ints("pads", pads), Float("value", value));
        var file = Import(OnnxModel(shape, opset, opset >= 11 ? [Longs("pads", pads), Floats("v", [], [value])] : [],
            Node("Relu", "relu", ["x"], "r"), pad));
        Assert.Equal(["Relu", "Pad"], StoredGraph.Parse(file.Info.Graph!, "test").Select(n => n.Op));
        var settings = new Pad2dSettings(1, 2, 2, 0, mode switch { "reflect" => PadMode.Reflect, "edge" => PadMode.Edge, _ => PadMode.Constant }, value);
        var x = Random(24, 3).Select(v => v + 1.5f).ToArray(); // positive: the Relu passes everything
        var dy = Random(2 * 6 * 6, 4);
        using var network = Network.Build(fixture.Device, file);
        using var workspace = new Workspace(network, shape, network.Layers[^1]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        workspace.OutputGradient.CopyFrom(dy);
        workspace.Backward();
        Assert.Equal(Pad2dReference.Forward([.. x.Select(v => (double)v)], shape, settings).Select(v => (float)v), workspace.Output.ToArray());
        var expected = Pad2dReference.Backward([.. dy.Select(v => (double)v)], shape, settings);
        var dx = workspace.InputGradient.ToArray();
        for (var i = 0; i < dx.Length; i++) Assert.True(Math.Abs(dx[i] - expected[i]) <= 1e-5, $"{mode} input gradient {i}: {dx[i]}, expected {expected[i]}");
    }

    [Fact]
    public void A_zero_pad_is_a_convolutions_own_pads_and_a_pad_layer_before_anything_else()
    {
        var file = Import(OnnxModel([1, 3, 4, 4], 13, [Longs("pads", 0, 0, 1, 1, 0, 0, 1, 1), Floats("w", [2, 3, 3, 3])],
            Node("Pad", "pad", ["x", "pads"], "p"),
            Node("Conv", "conv", ["p", "w"], "c"),
            Node("MaxPool", "pool", ["p"], "m", Ints("kernel_shape", 3, 3)),
            Node("Concat", "cat", ["c", "m"], "y", Int("axis", 1))));
        var graph = StoredGraph.Parse(file.Info.Graph!, "test");
        Assert.Equal(["Conv", "Pad", "MaxPool", "Concat"], graph.Select(n => n.Op));
        Assert.Equal([1.0, 1, 1, 1], graph[0].Attributes!["pads"]);
        Assert.Equal("pad", graph[1].Address);
        Assert.Equal("pad", graph[2].Inputs.Single());
    }

    [Fact]
    public void A_zero_pad_before_an_average_pool_whose_own_pads_do_not_count_is_a_pad_layer()
    {
        int[] shape = [1, 1, 3, 3];
        var file = Import(OnnxModel(shape, 13, [Longs("pads", 0, 0, 1, 0, 0, 0, 0, 0)],
            Node("Pad", "pad", ["x", "pads"], "p"),
            Node("AveragePool", "pool", ["p"], "y", Ints("kernel_shape", 2, 2), Ints("pads", 0, 1, 0, 1), Int("count_include_pad", 0))));
        Assert.Equal(["Pad", "AveragePool"], StoredGraph.Parse(file.Info.Graph!, "test").Select(n => n.Op));
        // The Pad's row of zeros counts in the averages, the pool's own side pads do not: the top-left window holds one zero and x[0].
        var x = Random(9, 5);
        var y = Run(file, shape, x);
        Assert.Equal(3 * 4, y.Length);
        Assert.Equal(x[0] / 2, y[0], 6);
        Assert.Equal((x[0] + x[1]) / 4, y[1], 6);
        Assert.Equal((x[0] + x[3]) / 2, y[4], 6);
    }

    [Theory]
    [InlineData("wrap", 1, "attribute 'mode' is 'wrap'; DeepVis pads in modes constant, reflect and edge")]
    [InlineData("reflect", 4, "reflect pads [0, 0, 4, 0, 0, 0, 0, 0] reach past the 4x4 input")]
    public void A_pad_deepvis_cannot_run_is_refused_naming_the_attribute_and_value(string mode, long top, string expected) =>
        Refused(OnnxModel([1, 3, 4, 4], 13, [Longs("pads", 0, 0, top, 0, 0, 0, 0, 0)], Node("Pad", "pad", ["x", "pads"], "y", Text("mode", mode))),
            "node 'pad' (Pad)", expected);

    [Theory]
    // A segmentation head's upsampling: (op, opset, mode, coordinate mode or null, scales or null, sizes or null).
    [InlineData("Resize", 13, "linear", "half_pixel", new[] { 1f, 1, 2, 2 }, null)]
    [InlineData("Resize", 13, "linear", "align_corners", null, new long[] { 1, 2, 7, 5 })]
    [InlineData("Resize", 11, "nearest", "asymmetric", new[] { 1f, 1, 3, 0.5f }, null)]
    [InlineData("Upsample", 9, "nearest", null, new[] { 1f, 1, 2, 3 }, null)]
    public void Resize_and_upsample_import_and_match_the_reference_forward_and_backward(string op, int opset, string mode, string? coordinates, float[]? scales, long[]? sizes)
    {
        int[] shape = [1, 2, 3, 4];
        TensorProto[] constants = [Floats("roi", [0], []), Floats("scales", scales is null ? [0] : [4], scales ?? []), .. sizes is null ? Array.Empty<TensorProto>() : [Longs("sizes", sizes)]];
        string[] inputs = op == "Upsample" ? ["x", "scales"] : sizes is null ? ["x", "roi", "scales"] : ["x", "roi", "scales", "sizes"];
        AttributeProto[] attributes = coordinates is null ? [Text("mode", mode)] : [Text("mode", mode), Text("coordinate_transformation_mode", coordinates)];
        var file = Import(OnnxModel(shape, opset, constants, Node(op, "up", inputs, "y", attributes)));
        var settings = new Resize2dSettings(mode == "linear" ? ResizeMode.Linear : ResizeMode.Nearest,
            coordinates switch { "align_corners" => ResizeCoordinates.AlignCorners, "half_pixel" => ResizeCoordinates.HalfPixel, _ => ResizeCoordinates.Asymmetric },
            coordinates is null ? NearestRounding.Floor : NearestRounding.RoundPreferFloor, scales?[2] ?? 0, scales?[3] ?? 0, (int)(sizes?[2] ?? 0), (int)(sizes?[3] ?? 0));
        var outShape = settings.OutputShape(shape);
        var x = Random(24, 21);
        var dy = Random(outShape.Aggregate(1, (a, b) => a * b), 22);
        using var network = Network.Build(fixture.Device, file);
        using var workspace = new Workspace(network, shape, network.Layers[^1]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        workspace.OutputGradient.CopyFrom(dy);
        workspace.Backward();
        Assert.Equal(outShape, workspace.Output.Shape);
        var (y, dx) = (workspace.Output.ToArray(), workspace.InputGradient.ToArray());
        var (expectedY, expectedDx) = (Resize2dReference.Forward([.. x.Select(v => (double)v)], shape, settings),
            Resize2dReference.Backward([.. dy.Select(v => (double)v)], shape, settings));
        for (var i = 0; i < y.Length; i++) Assert.True(Math.Abs(y[i] - expectedY[i]) <= 1e-5, $"{op} output {i}: {y[i]}, expected {expectedY[i]}");
        for (var i = 0; i < dx.Length; i++) Assert.True(Math.Abs(dx[i] - expectedDx[i]) <= 1e-5, $"{op} input gradient {i}: {dx[i]}, expected {expectedDx[i]}");
    }

    [Theory]
    [InlineData("coordinate_transformation_mode", "tf_crop_and_resize", "attribute 'coordinate_transformation_mode' is 'tf_crop_and_resize'")]
    [InlineData("mode", "cubic", "attribute 'mode' is 'cubic'; DeepVis resizes in modes nearest and linear")]
    [InlineData("nearest_mode", "middle", "attribute 'nearest_mode' is 'middle'")]
    public void A_resize_deepvis_cannot_run_is_refused_naming_the_attribute_and_value(string attribute, string value, string expected) =>
        Refused(OnnxModel([1, 2, 3, 4], 13, [Floats("roi", [0], []), Floats("scales", [4], [1, 1, 2, 2])],
            Node("Resize", "up", ["x", "roi", "scales"], "y", Text(attribute, value))), "node 'up' (Resize)", expected);

    [Fact]
    public void A_resize_of_the_channels_is_refused_naming_the_scales() =>
        Refused(OnnxModel([1, 2, 3, 4], 13, [Floats("roi", [0], []), Floats("scales", [4], [1, 2, 2, 2])],
            Node("Resize", "up", ["x", "roi", "scales"], "y")), "node 'up' (Resize)", "the scales are [1, 2, 2, 2]; DeepVis resizes H and W");

    [Theory]
    [InlineData("is_test", 0)]
    [InlineData("spatial", 0)]
    [InlineData("training_mode", 1)]
    public void Batch_normalization_in_training_is_refused_naming_the_attribute_and_value(string attribute, long value) =>
        Refused(BatchNorm(attribute == "training_mode" ? 15 : 6, Int(attribute, value)),
            "node 'bn' (BatchNormalization)", $"attribute '{attribute}' is {value}", "at inference");
}
