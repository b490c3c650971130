using DeepVis.Nets;
using DeepVis.Nets.Weights;
using DeepVis.Tests.Support;
using DeepVis.WeightsConverter.Conversion;
using PureHDF;

namespace DeepVis.Tests.Nets;

/// <summary>
/// Narrow random VGG16, VGG19 and AlexNet, converted from PyTorch's own .pth files (both
/// serializations) and Keras's layout: activations at several layers and the input gradient of
/// 0.5 * ||activation||^2 must match what PyTorch computed (weights-converter/fixtures/make_fixtures.py),
/// with the CPU kernels and with the ILGPU ones.
/// </summary>
public abstract class PyTorchFixtureTests(DeviceFixture fixture, Implementation implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : PyTorchFixtureTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : PyTorchFixtureTests(fixture, Implementation.Ilgpu);

    private const double Tolerance = 1e-4;

    public static TheoryData<string, string> Files => new()
    {
        { "vgg16", "vgg16-narrow.pth" }, { "vgg16", "vgg16-narrow-legacy.pth" }, { "vgg16", "vgg16-narrow-keras.h5" },
        { "vgg19", "vgg19-narrow.pth" }, { "vgg19", "vgg19-narrow-legacy.pth" },
        { "alexnet", "alexnet-narrow.pth" }, { "alexnet", "alexnet-narrow-legacy.pth" },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void Activations_and_input_gradients_match_pytorch(string arch, string weights)
    {
        var file = ModelConverter.Convert(Fixtures.Path(weights), new ConvertOptions());
        Assert.Equal(arch, file.Info.Arch);
        using var network = Network.Build(fixture.For(implementation), file);
        using var reference = H5File.OpenRead(Fixtures.Path($"{arch}-narrow-ref.h5"));
        var input = reference.Dataset("input");
        var shape = Array.ConvertAll(input.Space.Dimensions, d => (int)d);
        var x = input.Read<float[]>();
        var layers = reference.Group("activation").Children().Select(c => c.Name).ToList();
        Assert.NotEmpty(layers);
        foreach (var address in layers)
        {
            using var workspace = new Workspace(network, shape, network.Resolve(address));
            workspace.Input.CopyFrom(x);
            workspace.Forward();
            workspace.Output.CopyTo(workspace.OutputGradient);
            workspace.Backward();
            AssertRelative(reference.Dataset($"activation/{address}").Read<float[]>(), workspace.Output.ToArray(), $"{weights} {address} activation");
            AssertRelative(reference.Dataset($"gradient/{address}").Read<float[]>(), workspace.InputGradient.ToArray(), $"{weights} {address} input gradient");
        }
    }

    [Fact]
    public void The_keras_file_converts_to_the_same_tensors_as_the_pth()
    {
        var keras = ModelConverter.Convert(Fixtures.Path("vgg16-narrow-keras.h5"), new ConvertOptions());
        var torch = ModelConverter.Convert(Fixtures.Path("vgg16-narrow.pth"), new ConvertOptions());
        Assert.Equal(torch.Tensors.Select(t => t.Name).Order(), keras.Tensors.Select(t => t.Name).Order());
        foreach (var t in torch.Tensors)
        {
            var k = keras.Find(t.Name)!;
            Assert.Equal(t.Shape, k.Shape);
            Assert.Equal(t.Data, k.Data);
        }
        Assert.Equal(("BGR", 255f), (keras.Info.ColorOrder, keras.Info.InputRange));
        Assert.Equal(("RGB", 1f), (torch.Info.ColorOrder, torch.Info.InputRange));
    }

    private static void AssertRelative(float[] expected, float[] actual, string what) =>
        RelativeError.AssertBelow(Tolerance, expected, actual, what);
}
