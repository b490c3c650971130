using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Nets.Zoo;
using DeepVis.Ops;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using Onnx;
using static DeepVis.Tests.Converter.OnnxGraphs;

namespace DeepVis.Tests.Nets;

/// <summary>
/// Every geometry value a model file carries is checked when the model is loaded: an ONNX model, the
/// model's description and the command line each refuse a bad one in one line naming the node, the
/// attribute, the value and the allowed range (each op's stored attributes: its <c>&lt;Op&gt;OpTests</c>).
/// </summary>
public sealed class GeometryValidationTests : IDisposable
{
    private readonly TestWeights.TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private const string Whole = "expected whole numbers from";

    [Fact]
    public void The_built_in_specs_pass_the_same_checks()
    {
        var e = Assert.Throws<WeightsException>(() => new ConvSpec("features.0", [], 3, 3, Conv2dSettings.Square(stride: 0)).Validate("vgg16"));
        Assert.Equal("vgg16: node 'features.0' (Conv): attribute 'stride' is [0, 0]; expected whole numbers from 1 to 4096", e.Message);
        var bn = Assert.Throws<WeightsException>(() => new BatchNormSpec("bn1", [], 0).Validate("resnet18"));
        Assert.Equal("resnet18: node 'bn1' (BatchNormalization): attribute 'eps' is 0; expected a positive finite number", bn.Message);
    }

    public static TheoryData<string, string> InfoCases => new()
    {
        { "input_channels", "input_channels is 0, expected 1..1024" },
        { "mean", "mean has 1 values (0), expected 2 finite numbers (one per input channel)" },
        { "std", "std has 2 values (1, 0), expected 2 positive finite numbers (one per input channel)" },
        { "default_size", "default_size is -224, expected 1..4096" },
    };

    [Theory]
    [MemberData(nameof(InfoCases))]
    public void A_model_description_out_of_range_is_one_line_when_the_file_is_read(string attribute, string expected)
    {
        var file = OpSample.For("Relu").File();
        var info = attribute switch
        {
            "input_channels" => file.Info with { InputChannels = 0 },
            "mean" => file.Info with { Mean = [0f] },
            "std" => file.Info with { Std = [1f, 0f] },
            _ => file.Info with { DefaultSize = -224 },
        };
        var path = _folder.File($"{attribute}.h5");
        new WeightsFile(info, file.Tensors).Write(path);
        var e = Assert.Throws<WeightsException>(() => WeightsFile.Read(path));
        Assert.Equal($"{path}: {expected}", e.Message);
    }

    private static TensorProto Weight => Floats("w", [4, 3, 3, 3]);

    public static TheoryData<string, string> OnnxCases => new()
    {
        { "conv-strides", $"node 'c' (Conv): attribute 'strides' is [0, 1]; {Whole} 1 to 4096" },
        { "conv-dilations", $"node 'c' (Conv): attribute 'dilations' is [1, 0]; {Whole} 1 to 4096" },
        { "conv-pads", $"node 'c' (Conv): attribute 'pads' is [-1, 0, 0, 0]; {Whole} 0 to 4096" },
        { "conv-empty-weight", "node 'c' (Conv): the weight's kernel is 0x3; expected sides from 1 to 4096" },
        { "conv-group", "node 'c' (Conv): attribute 'group' is 4294967297; expected a whole number from 1 to 2147483647" },
        { "conv-huge-pads", $"node 'c' (Conv): attribute 'pads' is [4294967297, 0, 0, 0]; {Whole} 0 to 4096" },
        { "pad-then-conv", $"node 'c' (Conv): attribute 'pads' is [4097, 0, 0, 0]; {Whole} 0 to 4096" },
        { "maxpool-kernel", $"node 'p' (MaxPool): attribute 'kernel_shape' is [0, 2]; {Whole} 1 to 4096" },
        { "maxpool-strides", $"node 'p' (MaxPool): attribute 'strides' is [0, 2]; {Whole} 1 to 4096" },
        { "maxpool-pads", "node 'p' (MaxPool): attribute 'pads' is [2, 0, 0, 0]; expected each pad below its kernel side" },
        { "averagepool-pads", "node 'p' (AveragePool): attribute 'pads' is [0, 0, 0, 3]; expected each pad below its kernel side" },
        { "lrn-size", "node 'l' (LRN): attribute 'size' is 0; expected a whole number from 1 to 4096" },
        { "batchnorm-epsilon", "node 'b' (BatchNormalization): attribute 'epsilon' is 0; expected a positive finite number" },
        { "clip-bounds", "node 'k' (Clip): the minimum 6 exceeds the maximum 0" },
    };

    /// <summary>ONNX models with one bad geometry value each (input x [1, 3, 8, 8]).</summary>
    private static ModelProto OnnxCase(string name) => name switch
    {
        "conv-strides" => OnnxModel([1, 3, 8, 8], 13, [Weight], Node("Conv", "c", ["x", "w"], "y", Ints("strides", 0, 1))),
        "conv-dilations" => OnnxModel([1, 3, 8, 8], 13, [Weight], Node("Conv", "c", ["x", "w"], "y", Ints("dilations", 1, 0))),
        "conv-pads" => OnnxModel([1, 3, 8, 8], 13, [Weight], Node("Conv", "c", ["x", "w"], "y", Ints("pads", -1, 0, 0, 0))),
        "conv-empty-weight" => OnnxModel([1, 3, 8, 8], 13, [Floats("w", [4, 3, 0, 3])], Node("Conv", "c", ["x", "w"], "y")),
        "conv-group" => OnnxModel([1, 3, 8, 8], 13, [Weight], Node("Conv", "c", ["x", "w"], "y", Int("group", (1L << 32) + 1))),
        "conv-huge-pads" => OnnxModel([1, 3, 8, 8], 13, [Weight], Node("Conv", "c", ["x", "w"], "y", Ints("pads", (1L << 32) + 1, 0, 0, 0))),
        "pad-then-conv" => OnnxModel([1, 3, 8, 8], 13, [Weight, Longs("p", 0, 0, 4096, 0, 0, 0, 0, 0)],
            Node("Pad", "pad", ["x", "p"], "xp"), Node("Conv", "c", ["xp", "w"], "y", Ints("pads", 1, 0, 0, 0))),
        "maxpool-kernel" => OnnxModel([1, 3, 8, 8], 13, [], Node("MaxPool", "p", ["x"], "y", Ints("kernel_shape", 0, 2))),
        "maxpool-strides" => OnnxModel([1, 3, 8, 8], 13, [], Node("MaxPool", "p", ["x"], "y", Ints("kernel_shape", 2, 2), Ints("strides", 0, 2))),
        "maxpool-pads" => OnnxModel([1, 3, 8, 8], 13, [], Node("MaxPool", "p", ["x"], "y", Ints("kernel_shape", 2, 2), Ints("pads", 2, 0, 0, 0))),
        "averagepool-pads" => OnnxModel([1, 3, 8, 8], 13, [], Node("AveragePool", "p", ["x"], "y", Ints("kernel_shape", 3, 3), Ints("pads", 0, 0, 0, 3))),
        "lrn-size" => OnnxModel([1, 3, 8, 8], 13, [], Node("LRN", "l", ["x"], "y", Int("size", 0))),
        "batchnorm-epsilon" => OnnxModel([1, 3, 8, 8], 13, [Floats("g", [3]), Floats("b", [3]), Floats("m", [3]), Floats("v", [3])],
            Node("BatchNormalization", "b", ["x", "g", "b", "m", "v"], "y", Float("epsilon", 0))),
        "clip-bounds" => OnnxModel([1, 3, 8, 8], 6, [], Node("Clip", "k", ["x"], "y", Float("min", 6), Float("max", 0))),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(OnnxCases))]
    public void An_onnx_value_out_of_range_is_one_line_naming_the_node(string name, string expected)
    {
        var path = OnnxCase(name).Save(_folder.File($"{name}.onnx"));
        var e = Assert.Throws<WeightsFormatException>(() => ModelConverter.Convert(path, new ConvertOptions()));
        Assert.StartsWith($"{path}: {expected}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    /// <summary>Every refusal row of every op's <c>&lt;Op&gt;OpTests</c>, with the stored name whose sample it spoils.</summary>
    public static TheoryData<string, string, double[], string> StoredRefusals()
    {
        var rows = new TheoryData<string, string, double[], string>();
        foreach (var op in OpRegistry.All.Where(o => o.Stored.Count > 0))
        {
            var tests = typeof(OpSample).Assembly.GetType($"DeepVis.Tests.Nets.{op.Name}OpTests")!;
            if (tests.GetProperty("Refusals")?.GetValue(null) is not IEnumerable<ITheoryDataRow> refusals) continue;
            foreach (var data in refusals.Select(r => r.GetData()))
                rows.Add(op.Stored.Keys.Last(), (string)data[0]!, (double[])data[1]!, (string)data[2]!);
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(StoredRefusals))]
    public void Layers_refuses_each_bad_stored_value_with_one_line_and_exit_2(string stored, string attribute, double[] value, string expected)
    {
        var path = _folder.File("bad.h5");
        OpSample.For(stored).File(a => a[attribute] = value).Write(path);
        var run = CliRun.Of("layers", "--weights", path, "--device", "cpu");
        Assert.Equal(2, run.ExitCode);
        run.AssertOneLineError($"samples: node 'n' ({stored}): {expected}");
    }

    [Theory]
    [MemberData(nameof(OnnxCases))]
    public void Layers_refuses_each_bad_onnx_value_with_one_line_and_exit_2(string name, string expected)
    {
        var path = OnnxCase(name).Save(_folder.File($"{name}.onnx"));
        var run = CliRun.Of("layers", "--weights", path, "--device", "cpu");
        Assert.Equal(2, run.ExitCode);
        run.AssertOneLineError(expected);
    }
}
