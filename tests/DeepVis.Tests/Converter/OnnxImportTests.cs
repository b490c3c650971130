using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter;
using DeepVis.WeightsConverter.Conversion;
using DeepVis.Nets.Onnx;
using Google.Protobuf;
using Onnx;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Converter;

/// <summary>
/// The ONNX importer on small graphs built in code: auto_pad, Gemm's alpha/beta/transB, MatMul + Add,
/// Sum, external data, PyTorch scope names as addresses; and malformed or unsupported files, each one
/// line naming the node, its op and what is supported, with nothing written.
/// </summary>
public sealed class OnnxImportTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private WeightsFile Import(ModelProto model, string name = "m.onnx") =>
        ModelConverter.Convert(model.Save(_folder.File(name)), new ConvertOptions());

    private static IReadOnlyList<GraphNode> Graph(WeightsFile file) => StoredGraph.Parse(file.Info.Graph!, "test");

    private string Refused(ModelProto model, params string[] fragments)
    {
        var e = Assert.Throws<WeightsFormatException>(() => Import(model));
        Assert.DoesNotContain('\n', e.Message);
        foreach (var f in fragments) Assert.Contains(f, e.Message);
        return e.Message;
    }

    private static NodeProto Conv(string name, string input, string output, params AttributeProto[] attributes) =>
        Node("Conv", name, [input, "w"], output, attributes);

    private static TensorProto Weight => Floats("w", [4, 3, 3, 3]);

    [Theory]
    [InlineData("SAME_UPPER", 10, new[] { 0.0, 0, 1, 1 })]
    [InlineData("SAME_LOWER", 10, new[] { 1.0, 1, 0, 0 })]
    [InlineData("SAME_UPPER", 9, new[] { 1.0, 1, 1, 1 })]
    [InlineData("VALID", 9, new[] { 0.0, 0, 0, 0 })]
    public void Auto_pad_is_resolved_from_the_declared_input_size(string mode, int side, double[] pads)
    {
        var file = Import(OnnxModel([1, 3, side, side], 13, [Weight], Conv("c", "x", "y", Ints("strides", 2, 2), Text("auto_pad", mode))));
        var conv = Graph(file).Single();
        Assert.Equal(pads, conv.Attributes!["pads"]);
        Assert.Equal(mode.StartsWith("SAME"), conv.Note?.Contains($"{mode} resolved for a {side}x{side}") ?? false);
        using var device = DeepVis.Kernels.Runtime.Device.Open("cpu");
        using var network = Network.Build(device, file);
        var expected = mode == "VALID" ? (side - 3) / 2 + 1 : (side + 1) / 2;
        Assert.Equal([1, 4, expected, expected], network.OutputShapes(1, side, side)[0]);
    }

    [Theory]
    [InlineData(new long[] { 1, -1 })] // the batch the file declares
    [InlineData(new long[] { 0, -1 })] // copied from the input
    [InlineData(new long[] { -1, 48 })] // inferred
    public void A_reshape_that_keeps_the_batch_and_flattens_the_rest_is_a_flatten(long[] target)
    {
        var graph = Graph(Import(OnnxModel([1, 3, 4, 4], 13, [Longs("t", target)], Node("Relu", "r", ["x"], "r"), Node("Reshape", "view", ["r", "t"], "y"))));
        Assert.Equal(["Relu", "Flatten"], graph.Select(n => n.Op));
    }

    [Fact]
    public void Gemm_alpha_beta_and_an_untransposed_weight_become_a_linear_layer()
    {
        float[] b = [1, 2, 3, 4, 5, 6]; // [in 3, out 2]
        var file = Import(OnnxModel([1, 3, 1, 1], 13, [Floats("b", [3, 2], b), Floats("c", [2], [10, 20])],
            Node("Flatten", "f", ["x"], "flat"),
            Node("Gemm", "g", ["flat", "b", "c"], "y", Float("alpha", 2), Float("beta", 0.5f))));
        Assert.Equal([2, 3], file.Find("g.weight")!.Shape);
        Assert.Equal([2f, 6, 10, 4, 8, 12], file.Find("g.weight")!.Data);
        Assert.Equal([5f, 10], file.Find("g.bias")!.Data);
        Assert.Equal(2, file.Info.ClassCount);
    }

    [Fact]
    public void MatMul_plus_a_constant_is_one_linear_layer_and_Sum_adds_its_inputs()
    {
        var file = Import(OnnxModel([1, 2, 1, 1], 13, [Floats("m", [2, 3]), Floats("bias", [3], [7, 8, 9])],
            Node("Relu", "r", ["x"], "r"),
            Node("Sum", "s", ["x", "r", "x"], "s"),
            Node("Flatten", "f", ["s"], "flat"),
            Node("MatMul", "mm", ["flat", "m"], "p"),
            Node("Add", "add", ["p", "bias"], "y")));
        var graph = Graph(file);
        Assert.Equal(["Relu", "Add", "Add", "Flatten", "Linear"], graph.Select(n => n.Op));
        Assert.Equal(["s_part1", "s"], graph.Where(n => n.Op == "Add").Select(n => n.Address));
        Assert.Equal([7f, 8, 9], file.Find("add.bias")!.Data);
        Assert.Equal([0.01f, 0.04f], file.Find("add.weight")!.Data[..2]);
    }

    [Fact]
    public void LRN_BatchNormalization_and_a_one_sided_Clip_keep_their_parameters()
    {
        float[] ones = [1, 1, 1];
        var file = Import(OnnxModel([1, 3, 4, 4], 13,
            [Floats("g", [3]), Floats("b", [3]), Floats("m", [3]), Floats("v", [3], ones), Floats("lo", [], [-0.5f])],
            Node("BatchNormalization", "bn", ["x", "g", "b", "m", "v"], "n", Float("epsilon", 1e-3f)),
            Node("LRN", "lrn", ["n"], "l", Int("size", 3), Float("alpha", 0.01f), Float("beta", 0.5f), Float("bias", 2)),
            Node("Clip", "clip", ["l", "lo"], "y")));
        var graph = Graph(file);
        Assert.Equal(["BatchNormalization", "LRN", "Clip"], graph.Select(n => n.Op));
        Assert.Equal(1e-3, graph[0].Attributes!["eps"][0], 6);
        Assert.Equal([3.0, 0.01, 0.5, 2], new[] { "size", "alpha", "beta", "bias" }.Select(a => Math.Round(graph[1].Attributes![a][0], 6)));
        Assert.Equal([-0.5], graph[2].Attributes!["min"]);
        Assert.False(graph[2].Attributes!.ContainsKey("max"));
        Assert.Equal(ones, file.Find("bn.running_var")!.Data);
    }

    [Fact]
    public void Conv_HardSwish_Conv_HardSigmoid_import_and_match_a_double_computation()
    {
        // The second convolution's weights change sign, so the gate sees inputs on both sides of its kinks.
        float[] mix = [.. Enumerable.Range(0, 16).Select(i => (i % 5 - 2) * 0.3f)];
        var file = Import(OnnxModel([2, 3, 5, 5], 13, [Weight, Floats("m", [4, 4, 1, 1], mix)],
            Conv("c", "x", "a"),
            Node("HardSwish", "hs", ["a"], "h"),
            Node("Conv", "d", ["h", "m"], "e"),
            Node("HardSigmoid", "gate", ["e"], "y", Float("beta", 0.4f))));
        var graph = Graph(file);
        Assert.Equal(["Conv", "HardSwish", "Conv", "HardSigmoid"], graph.Select(n => n.Op));
        Assert.Equal([0.2, 0.4], new[] { "alpha", "beta" }.Select(a => Math.Round(graph[3].Attributes![a][0], 6)));

        var rng = new Random(25);
        var x = Enumerable.Range(0, 2 * 3 * 5 * 5).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var w = Weight.FloatData.ToArray();
        var (hs, gate) = (new double[2 * 4 * 3 * 3], new double[2 * 4 * 3 * 3]);
        for (var n = 0; n < 2; n++)
            for (var o = 0; o < 4; o++)
                for (var i = 0; i < 3; i++)
                    for (var j = 0; j < 3; j++)
                    {
                        double sum = 0;
                        for (var c = 0; c < 3; c++)
                            for (var u = 0; u < 3; u++)
                                for (var v = 0; v < 3; v++)
                                    sum += (double)w[((o * 3 + c) * 3 + u) * 3 + v] * x[((n * 3 + c) * 5 + i + u) * 5 + j + v];
                        hs[((n * 4 + o) * 3 + i) * 3 + j] = sum * Math.Clamp(sum + 3, 0, 6) / 6;
                    }
        for (var n = 0; n < 2; n++)
            for (var o = 0; o < 4; o++)
                for (var p = 0; p < 9; p++)
                {
                    double sum = 0;
                    for (var c = 0; c < 4; c++) sum += (double)mix[o * 4 + c] * hs[(n * 4 + c) * 9 + p];
                    gate[(n * 4 + o) * 9 + p] = Math.Clamp(0.2 * sum + 0.4, 0, 1);
                }
        Assert.Contains(hs, v => v < 0);
        Assert.Contains(hs, v => v > 3);
        Assert.Contains(gate, v => v is > 0 and < 1);
        Assert.Contains(gate, v => v is 0 or 1);

        using var device = DeepVis.Kernels.Runtime.Device.Open("cpu");
        using var network = Network.Build(device, file);
        using var workspace = new Workspace(network, [2, 3, 5, 5], [network.Resolve("hs"), network.Resolve("gate")]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        foreach (var (address, expected) in new[] { ("hs", hs), ("gate", gate) })
        {
            var actual = workspace.OutputOf(network.Resolve(address).Index).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (var k = 0; k < actual.Length; k++)
                Assert.True(Math.Abs(actual[k] - expected[k]) <= 1e-5 * (1 + Math.Abs(expected[k])), $"{address}[{k}] is {actual[k]}, expected {expected[k]}");
        }
    }

    [Fact]
    public void Sigmoid_and_Tanh_import_and_match_a_double_computation()
    {
        var file = Import(OnnxModel([2, 3, 4, 5], 13, [], Node("Sigmoid", "s", ["x"], "g"), Node("Tanh", "t", ["g"], "y")));
        Assert.Equal(["Sigmoid", "Tanh"], Graph(file).Select(n => n.Op));
        var rng = new Random(25);
        var x = Enumerable.Range(0, 2 * 3 * 4 * 5).Select(_ => (float)(rng.NextDouble() * 12 - 6)).ToArray();
        using var device = DeepVis.Kernels.Runtime.Device.Open("cpu");
        using var network = Network.Build(device, file);
        using var workspace = new Workspace(network, [2, 3, 4, 5], network.Resolve("t"));
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        var actual = workspace.Output.ToArray();
        for (var k = 0; k < x.Length; k++)
        {
            var expected = Math.Tanh(1 / (1 + Math.Exp(-x[k])));
            Assert.True(Math.Abs(actual[k] - expected) <= 1e-6, $"element {k} is {actual[k]}, expected {expected}");
        }
    }

    [Fact]
    public void HardSigmoid_and_HardSwish_attributes_out_of_range_are_one_line()
    {
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("HardSigmoid", "g", ["x"], "y", Float("alpha", float.PositiveInfinity))),
            "node 'g' (HardSigmoid): attribute 'alpha' is Infinity; expected a finite number");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("HardSigmoid", "g", ["x"], "y", Float("gamma", 1))),
            "node 'g' (HardSigmoid): attribute 'gamma' is not supported; HardSigmoid takes alpha, beta");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("HardSwish", "s", ["x"], "y", Float("alpha", 0.2f))),
            "node 's' (HardSwish): attribute 'alpha' is not supported; HardSwish takes no attributes");
    }

    [Fact]
    public void A_softmax_before_the_end_is_a_layer_and_a_final_one_dropped_for_logits()
    {
        var inner = Graph(Import(OnnxModel([1, 3, 1, 1], 13, [], Node("Flatten", "f", ["x"], "flat"), Node("Softmax", "sm", ["flat"], "p"), Node("Relu", "r", ["p"], "y"))));
        Assert.Equal(["Flatten", "Softmax", "Relu"], inner.Select(n => n.Op));
        var graph = Graph(Import(OnnxModel([1, 3, 1, 1], 13, [], Node("Flatten", "f", ["x"], "flat"), Node("Softmax", "sm", ["flat"], "y"))));
        Assert.Equal("Flatten", graph.Single().Op);
        Assert.Contains("logits", graph.Single().Aliases!);
        Assert.Contains("Softmax was dropped", graph.Single().Note);
    }

    [Fact]
    public void PyTorch_scope_names_give_module_paths_and_block_aliases()
    {
        Assert.Equal(["layer2", "layer2.0", "layer2.0.downsample", "layer2.0.downsample.0"],
            OnnxAddresses.ModulePaths("/layer2/layer2.0/downsample/downsample.0/Conv"));
        var run = CliRun.Of("layers", "--weights", Fixtures.Path("resnet18-narrow-opset11.onnx"));
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("assuming mean 0, std 1, pixels 0..1, RGB", run.Output);
        var row = run.Output.Split('\n').Single(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "layer1.1.relu_1");
        Assert.Contains("layer1, layer1.1, /layer1/layer1.1/relu_1/Relu, /layer1/layer1.1/relu_1/Relu_output_0", row);
        Assert.Matches(@"\blayer1\.0\.Add\b", run.Output);
    }

    [Fact]
    public void Verbs_run_on_an_onnx_file_and_name_their_files_by_address()
    {
        var run = CliRun.Of("filters", "--weights", Fixtures.Path("mobilenet_v2-narrow-opset13.onnx"), "--layer", "/features/features.0/features.0.0/Conv",
            "--filter-end", "1", "--iterations", "2", "--device", "cpu", "--out", _folder.Path, "--quiet");
        Assert.True(run.ExitCode == 0, run.Error);
        Assert.True(File.Exists(_folder.File("features.0.0-filter-0001.png")), run.Output);
    }

    [Fact]
    public void Convert_writes_the_given_preprocessing()
    {
        var output = _folder.File("r.h5");
        var run = CliRun.Of("convert", Fixtures.Path("ops-opset13.onnx"), "--out", output, "--mean", "103.9,116.8,123.7", "--std", "1,1,1", "--scale", "255", "--bgr");
        Assert.Equal(0, run.ExitCode);
        Assert.DoesNotContain("assuming", run.Output);
        var info = WeightsFile.Read(output).Info;
        Assert.Equal([103.9f, 116.8f, 123.7f], info.Mean);
        Assert.Equal((255f, "BGR"), (info.InputRange, info.ColorOrder));
        Assert.NotNull(info.Graph);
        CliRun.Of("convert", Fixtures.Path("ops-opset13.onnx"), "--out", _folder.File("s.h5"), "--scale", "100").AssertOneLineError("--scale: Argument '100' not recognized. Must be one of: '1' '255'");
        CliRun.Of("convert", Fixtures.Path("ops-opset13.onnx"), "--out", _folder.File("s.h5"), "--arch", "resnet18").AssertOneLineError("--arch does not apply to an ONNX model");
        Assert.False(File.Exists(_folder.File("s.h5")));
    }

    [Fact]
    public void External_data_beside_the_model_is_read_and_a_path_outside_its_folder_refused()
    {
        var values = Enumerable.Range(0, 4 * 3 * 3 * 3).Select(i => i * 0.5f).ToArray();
        File.WriteAllBytes(_folder.File("w.bin"), [1, 2, 3, 4, .. values.SelectMany(BitConverter.GetBytes)]);
        TensorProto External(string location)
        {
            var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
            w.Dims.AddRange([4, 3, 3, 3]);
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            w.ExternalData.Add(new StringStringEntryProto { Key = "offset", Value = "4" });
            return w;
        }
        var file = Import(OnnxModel([1, 3, 8, 8], 13, [External("w.bin")], Conv("c", "x", "y")));
        Assert.Equal(values, file.Find("c.weight")!.Data);
        Refused(OnnxModel([1, 3, 8, 8], 13, [External("../w.bin")], Conv("c", "x", "y")), "'../w.bin' outside the model's folder");
        Refused(OnnxModel([1, 3, 8, 8], 13, [External("/etc/passwd")], Conv("c", "x", "y")), "outside the model's folder");
        File.CreateSymbolicLink(_folder.File("link.bin"), "/etc/passwd");
        Refused(OnnxModel([1, 3, 8, 8], 13, [External("link.bin")], Conv("c", "x", "y")), "a link to a file outside the model's folder");
    }

    [Fact]
    public async Task External_data_through_a_linked_folder_or_from_a_fifo_is_refused()
    {
        TensorProto External(string location)
        {
            var w = new TensorProto { Name = "w", DataType = (int)TensorProto.Types.DataType.Float, DataLocation = TensorProto.Types.DataLocation.External };
            w.Dims.AddRange([4, 3, 3, 3]);
            w.ExternalData.Add(new StringStringEntryProto { Key = "location", Value = location });
            return w;
        }
        Directory.CreateSymbolicLink(_folder.File("sub"), "/etc");
        Refused(OnnxModel([1, 3, 8, 8], 13, [External("sub/passwd")], Conv("c", "x", "y")), "'sub/passwd', a link to a file outside the model's folder");
        Assert.SkipUnless(OperatingSystem.IsLinux(), "FIFOs are made with mkfifo");
        System.Diagnostics.Process.Start("mkfifo", [_folder.File("fifo.bin")])!.WaitForExit();
        var import = Task.Run(() => Refused(OnnxModel([1, 3, 8, 8], 13, [External("fifo.bin")], Conv("c", "x", "y")), "'fifo.bin' is not a regular file"),
            TestContext.Current.CancellationToken);
        await import.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken); // a TimeoutException when the read hangs
    }

    [Fact]
    public void An_unsupported_op_names_the_node_and_the_supported_ops() =>
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Einsum", "/block/act/Einsum", ["x"], "y")),
            "node '/block/act/Einsum' (Einsum): op 'Einsum' is not supported; DeepVis imports Add, AveragePool, BatchNormalization");

    [Fact]
    public void Unsupported_attributes_are_refused_not_ignored()
    {
        Refused(OnnxModel([1, 3, 8, 8], 13, [Weight], Conv("c", "x", "y", Text("auto_pad", "SAME_MIDDLE"))),
            "node 'c' (Conv): auto_pad 'SAME_MIDDLE' is not supported; DeepVis honours NOTSET, VALID, SAME_UPPER and SAME_LOWER");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("AveragePool", "p", ["x"], "y", Ints("kernel_shape", 2, 2), Ints("dilations", 2, 2))),
            "node 'p' (AveragePool): attribute 'dilations' is not supported");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Concat", "cat", ["x", "x"], "y", Int("axis", 2))),
            "node 'cat' (Concat): axis 2 is not supported; DeepVis concatenates along channels (axis 1)");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Relu", "r", ["x"], "y", Int("alpha", 1))),
            "node 'r' (Relu): attribute 'alpha' is not supported; Relu takes no attributes");
    }

    [Fact]
    public void A_reshape_to_a_computed_or_non_flat_shape_is_refused()
    {
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Relu", "r", ["x"], "r"), Node("Reshape", "shape", ["x", "r"], "y")),
            "node 'shape' (Reshape): its target shape is computed", "constant target");
        Refused(OnnxModel([1, 3, 8, 8], 13, [Longs("t", 3, 64)], Node("Reshape", "shape", ["x", "t"], "y")),
            "reshapes item shape [3, 8, 8] to [3, 64]; DeepVis reshapes only what follows the batch axis, which stays first");
    }

    [Fact]
    public void Cycles_dangling_inputs_and_shapes_that_do_not_fit_are_one_line()
    {
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Relu", "a", ["b_out"], "a_out"), Node("Relu", "b", ["a_out"], "b_out")),
            "node 'a' (Relu): reads 'b_out', which is neither the input, an initializer nor the output of an earlier node (a cycle, a dangling input or nodes out of order)");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Relu", "a", ["nowhere"], "y")), "node 'a' (Relu): reads 'nowhere'");
        Refused(OnnxModel([1, 3, 8, 8], 13, [Weight], Conv("c", "x", "c"), Node("Add", "sum", ["x", "c"], "y")),
            "node 'sum' (Add): item shapes [3, 8, 8] and [4, 6, 6] do not broadcast");
        Refused(OnnxModel([1, 2, 8, 8], 13, [Weight], Conv("c", "x", "y")), "node 'c' (Conv): weight [4, 3, 3, 3] with group 1 does not fit 2 input channels");
    }

    [Fact]
    public void Nodes_without_their_required_inputs_or_outputs_are_one_line()
    {
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Conv", "c", ["x"], "y")), "node 'c' (Conv): the weight must be a constant");
        Refused(OnnxModel([1, 3, 8, 8], 13, [Longs("i", 0)], Node("Gather", "g", ["i"], "y")), "node 'g' (Gather): Gather needs 2 inputs, got 1");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Relu", "r", [], "y")), "node 'r' (Relu): malformed");
        Refused(OnnxModel([1, 3, 8, 8], 13, [], Node("Relu", "r", ["x"], "")), "node 'r' (Relu): the node has no output");
    }

    [Fact]
    public void A_truncated_or_corrupt_file_is_one_line_and_writes_nothing()
    {
        var bytes = File.ReadAllBytes(Fixtures.Path("resnet18-narrow-opset11.onnx"));
        var truncated = _folder.File("truncated.onnx");
        File.WriteAllBytes(truncated, bytes[..(bytes.Length / 2)]);
        var output = _folder.File("out.h5");
        CliRun.Of("convert", truncated, "--out", output).AssertOneLineError("truncated.onnx", "truncated or corrupt");
        Assert.False(File.Exists(output));

        var garbage = _folder.File("garbage.onnx");
        File.WriteAllBytes(garbage, [.. Enumerable.Range(0, 300).Select(i => (byte)(i * 37 % 251))]);
        CliRun.Of("convert", garbage, "--out", output).AssertOneLineError("garbage.onnx");
        CliRun.Of("layers", "--weights", garbage).AssertOneLineError("garbage.onnx");
        Assert.False(File.Exists(output));
    }
}
