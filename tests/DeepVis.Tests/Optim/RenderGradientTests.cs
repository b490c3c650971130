using DeepVis.WeightsConverter.Conversion;
using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Parameterization;
using DeepVis.Optim.Render;
using DeepVis.Optim.Steps;
using DeepVis.Optim.Transforms;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>
/// The gradient of the whole chain, parameters -> image -> random transforms -> network -> objective,
/// against centred finite differences of the same chain, for every parameterization: on the
/// grayscale mini-vgg and on the converted narrow ResNet-18 (three channels, so with decorrelation).
/// </summary>
public sealed class RenderGradientTests(DeviceFixture fixture)
{
    public static TheoryData<bool, bool, bool> Chains => new()
    {
        { false, false, false }, { true, false, false }, { true, false, true }, { false, false, true },
    };

    public static TheoryData<string, bool, bool, bool> ColourChains => new()
    {
        { "layer2.0:3 + 0.25*layer1.1.bn2:1", false, true, true }, { "layer2.0:3 + 0.25*layer1.1.bn2:1", true, true, true },
        { "layer2.0:3", true, false, true }, { "layer2.0:3", true, true, false }, { "maxpool:1", true, true, true },
    };

    [Theory]
    [MemberData(nameof(Chains))]
    public void Mini_vgg_chain_matches_finite_differences(bool fourier, bool decorrelate, bool transforms)
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        Check(network, "conv2_1:3 + 0.5*neuron(relu2_2:5)", 28, new ParameterizationSettings(fourier, decorrelate), transforms);
    }

    /// <summary>The clamp's chain, with parameters spread wide enough that part of the image is clamped (no gradient there).</summary>
    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    [InlineData(false, true, false)]
    public void Clamp_chain_matches_finite_differences(bool fourier, bool decorrelate, bool transforms)
    {
        var settings = new ParameterizationSettings(fourier, decorrelate, Range: PixelRange.Clamp);
        if (decorrelate)
        {
            using var resnet = Network.Build(fixture.Device, ModelConverter.Convert(Fixtures.Path("resnet18-narrow.pth"), new ConvertOptions()));
            Check(resnet, "layer2.0:3 + 0.25*layer1.1.bn2:1", 32, settings, transforms, spread: 2);
        }
        else
        {
            using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
            Check(network, "conv2_1:3 + 0.5*neuron(relu2_2:5)", 28, settings, transforms, spread: 2);
        }
    }

    [Theory]
    [MemberData(nameof(ColourChains))]
    public void Narrow_resnet_chain_matches_finite_differences(string expression, bool fourier, bool decorrelate, bool transforms)
    {
        using var network = Network.Build(fixture.Device, ModelConverter.Convert(Fixtures.Path("resnet18-narrow.pth"), new ConvertOptions()));
        Check(network, expression, 32, new ParameterizationSettings(fourier, decorrelate), transforms);
    }

    private static void Check(Network network, string expression, int size, ParameterizationSettings settings, bool transforms, double spread = 1)
    {
        var what = $"{expression} with {settings.Name}, transforms {transforms}";
        var random = new Random(11);
        int[] shape = [2, network.Info.InputChannels, size, size];
        var chain = transforms ? TransformChain.Standard : TransformChain.None;
        // A zero-rate descent leaves the parameters alone, so a step only evaluates the loss and the gradient.
        var pipeline = new RenderPipeline(network.Device, network.Info, shape, settings, chain, 1,
            new GradientDescent(0f), [random, random]);
        using var optimizer = new ImageOptimizer(network, shape, ObjectiveBuilder.Build(network, ObjectiveParser.Parse(expression), 2, size, size), [pipeline]);
        var parameters = pipeline.Parameters.Parameters;
        var theta = parameters.ToArray();
        // Away from zero, where a sigmoid start is nearly linear: a wider spread shows more of the chain.
        for (var i = 0; i < theta.Length; i++) theta[i] = (float)(spread * (random.NextDouble() - 0.5));
        double Loss(float[] at)
        {
            parameters.CopyFrom(at);
            optimizer.Step(0, 1, random);
            return optimizer.Loss().Sum(v => (double)v);
        }
        Loss(theta);
        var gradient = pipeline.Parameters.Gradient.ToArray();
        if (settings.Range == PixelRange.Clamp)
        {
            var image = pipeline.Parameters.Image.ToArray();
            Assert.True(image.Any(p => p is 0 or 1) && image.Any(p => p is > 0 and < 1), $"{what}: the image should be partly clamped");
        }
        var largest = gradient.Max(MathF.Abs);
        Assert.True(largest > 0, $"{what}: the gradient is zero");
        // Mostly along the gradient (a derivative well above float noise), plus a random part.
        var direction = gradient.Select(g => g / largest + 0.3f * (float)(random.NextDouble() * 2 - 1)).ToArray();
        var analytic = gradient.Zip(direction, (g, v) => (double)g * v).Sum();
        // Small enough that few ReLUs change sides (at 1e-2 the deep ResNet targets were 6-8% off), large
        // enough for float32 losses.
        const float h = 2e-3f;
        var numeric = (Loss([.. theta.Zip(direction, (t, v) => t + h * v)]) - Loss([.. theta.Zip(direction, (t, v) => t - h * v)])) / (2 * h);
        Assert.True(Math.Abs(numeric - analytic) <= 0.03 * Math.Abs(analytic),
            $"{what}: finite differences give {numeric}, the chain's gradient {analytic}");
    }
}
