using DeepVis.Nets;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using PureHDF;

namespace DeepVis.Tests.Nets;

/// <summary>
/// Narrow random-initialized torchvision ResNet, DenseNet, GoogLeNet, Inception v3, MobileNetV2 and
/// SqueezeNet (weights-converter/fixtures/make_graph_fixtures.py) and EfficientNet, MobileNetV3, RegNet
/// and MNASNet (make_se_fixtures.py, squeeze-excitation outputs among the addresses), converted from both
/// serializations: activations at many addresses and the input gradient of 0.5 * ||activation||^2
/// at several must match PyTorch's, with the CPU kernels and the ILGPU ones. BatchNorm statistics are
/// random, so folding is exercised; a folded convolution's address must refuse, naming its BatchNorm.
/// </summary>
public abstract class GraphFixtureTests(DeviceFixture fixture, Implementation implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : GraphFixtureTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : GraphFixtureTests(fixture, Implementation.Ilgpu);

    private const double Tolerance = 1e-4;

    public static TheoryData<string, string> Files => new()
    {
        { "resnet18-narrow", "resnet" }, { "resnet50-narrow", "resnet" }, { "densenet121-narrow", "densenet" },
        { "googlenet-narrow", "googlenet" }, { "inception_v3-narrow", "inception_v3" }, { "mobilenet_v2-narrow", "mobilenet_v2" },
        { "squeezenet1_0-narrow", "squeezenet1_0" }, { "squeezenet1_1-narrow", "squeezenet1_1" },
        { "efficientnet_b0-narrow", "efficientnet_b0" }, { "efficientnet_v2_s-narrow", "efficientnet_v2_s" },
        { "mobilenet_v3_large-narrow", "mobilenet_v3_large" }, { "mobilenet_v3_small-narrow", "mobilenet_v3_small" },
        { "regnet_y-narrow", "regnet_y_400mf" }, { "regnet_x-narrow", "regnet_x_400mf" }, { "mnasnet-narrow", "mnasnet1_0" },
        { "shufflenet_v2-narrow", "shufflenet_v2" }, { "shufflenet_v2_x0_5-narrow", "shufflenet_v2_x0_5" },
        { "convnext-narrow", "convnext" },
    };

    public static TheoryData<string> Legacy => [.. Files.Select(row => row.Data.Item1)];

    [Theory]
    [MemberData(nameof(Files))]
    public void Activations_and_input_gradients_match_pytorch(string name, string arch) => Check(name, $"{name}.pth", arch);

    [Theory]
    [MemberData(nameof(Legacy))]
    public void The_legacy_serialization_gives_the_same_network(string name)
    {
        // The serialization is read the same way whatever the device; the simulator is slow, so its kernels are checked on the zip files.
        Assert.SkipWhen(implementation == Implementation.Ilgpu, "the legacy reader is device-independent: checked on the cpu");
        Check(name, $"{name}-legacy.pth", null);
    }

    private void Check(string name, string weights, string? arch)
    {
        var file = ModelConverter.Convert(Fixtures.Path(weights), new ConvertOptions());
        if (arch is not null) Assert.Equal(arch, file.Info.Arch);
        using var network = Network.Build(fixture.For(implementation), file);
        using var reference = H5File.OpenRead(Fixtures.Path($"{name}-ref.h5"));
        var input = reference.Dataset("input");
        var shape = Array.ConvertAll(input.Space.Dimensions, d => (int)d);
        var (x, gradientScale) = NetworkInput(reference, input.Read<float[]>(), shape, file.Info);

        var folded = new List<string>();
        var targets = new List<(string Address, NetworkLayer Layer)>();
        foreach (var address in reference.Group("activation").Children().Select(c => c.Name))
        {
            try
            {
                targets.Add((address, network.Resolve(address)));
            }
            catch (LayerNotFoundException e) when (e.Message.Contains("folded"))
            {
                Assert.Matches(@"its normalized output is layer '\S+'", e.Message);
                folded.Add(address);
            }
        }
        Assert.True(targets.Count >= 10, $"{name}: only {targets.Count} comparable addresses");

        using var workspace = new Workspace(network, shape, [.. targets.Select(t => t.Layer)]);
        workspace.Input.CopyFrom(x);
        workspace.Forward();
        foreach (var (address, layer) in targets)
            AssertRelative(reference.Dataset($"activation/{address}").Read<float[]>(), workspace.OutputOf(layer.Index).ToArray(), $"{weights} {address} activation");

        var gradients = reference.Group("gradient").Children().Select(c => c.Name).ToList();
        Assert.True(gradients.Count >= 3, $"{name}: only {gradients.Count} gradient addresses");
        foreach (var address in gradients)
        {
            var layer = network.Resolve(address);
            using var probe = new Workspace(network, shape, layer);
            probe.Input.CopyFrom(x);
            probe.Forward();
            probe.Output.CopyTo(probe.OutputGradient);
            probe.Backward();
            var actual = probe.InputGradient.ToArray();
            for (var i = 0; i < actual.Length; i++) actual[i] *= (float)gradientScale[i / (shape[2] * shape[3]) % shape[1]];
            AssertRelative(reference.Dataset($"gradient/{address}").Read<float[]>(), actual, $"{weights} {address} input gradient");
        }
    }

    /// <summary>
    /// What our network reads for the fixture's input, and per channel d(our input)/d(fixture input).
    /// GoogLeNet and Inception v3 fixtures are ImageNet-normalized inputs to transform_input=True
    /// models: the converter records mean = std = 0.5 instead, so the pixel p = x * std_in + mean_in
    /// becomes (p - 0.5) / 0.5, which must equal what torchvision's _transform_input produced.
    /// </summary>
    private static (float[] Input, double[] GradientScale) NetworkInput(PureHDF.VOL.Native.NativeFile reference, float[] x, int[] shape, DeepVis.Nets.Weights.ModelInfo info)
    {
        if (!reference.Children().Any(c => c.Name == "input_transformed")) return (x, [.. Enumerable.Repeat(1.0, shape[1])]);
        double[] mean = [0.485, 0.456, 0.406], std = [0.229, 0.224, 0.225];
        var plane = shape[2] * shape[3];
        var u = new float[x.Length];
        for (var i = 0; i < x.Length; i++)
        {
            var c = i / plane % shape[1];
            u[i] = (float)((x[i] * std[c] + mean[c] - info.Mean[c]) / info.Std[c]);
        }
        AssertRelative(reference.Dataset("input_transformed").Read<float[]>(), u, "transform_input preprocessing");
        return (u, [.. Enumerable.Range(0, shape[1]).Select(c => std[c] / info.Std[c])]);
    }

    private static void AssertRelative(float[] expected, float[] actual, string what) =>
        RelativeError.AssertBelow(Tolerance, expected, actual, what);
}
