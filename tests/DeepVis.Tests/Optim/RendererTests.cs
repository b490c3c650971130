using DeepVis.Nets;
using DeepVis.Optim.Objectives;
using DeepVis.Optim.Parameterization;
using DeepVis.Optim.Render;
using DeepVis.Optim.Transforms;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>Lucid-style renders on the embedded Fashion-MNIST mini-vgg raise the channel they target.</summary>
public sealed class RendererTests(DeviceFixture fixture)
{
    [Theory]
    [InlineData(false, "none", RenderOptimizer.Adam, PixelRange.Sigmoid)]
    [InlineData(true, "standard", RenderOptimizer.Adam, PixelRange.Sigmoid)]
    [InlineData(true, "jitter:2", RenderOptimizer.Normalized, PixelRange.Sigmoid)]
    [InlineData(true, "standard", RenderOptimizer.Adam, PixelRange.Clamp)]
    public void Render_raises_each_images_channel(bool fourier, string transforms, RenderOptimizer optimizer, PixelRange range)
    {
        using var network = global::DeepVis.DefaultModel.Load(fixture.Device);
        var objective = Objective.Channel("conv2_2", 3).At(0) + Objective.Channel("conv2_2", 9).At(1);
        var settings = new RenderSettings(28, 128, new ParameterizationSettings(fourier, false, Range: range), TransformChain.Parse(transforms), optimizer, 0.05f);
        var result = Renderer.Run(network, objective, 2, settings, new Random(3));
        Assert.Equal(2 * 28 * 28, result.Pixels.Length);
        Assert.All(result.Pixels, p => Assert.InRange(p, 0f, 1f));
        for (var n = 0; n < 2; n++)
            Assert.True(result.End[n] > result.Start[n] + 0.3f,
                $"image {n}: channel mean {result.Start[n]} -> {result.End[n]}");
    }

    [Theory]
    [InlineData(PixelRange.Sigmoid)]
    [InlineData(PixelRange.Clamp)]
    public void Starting_from_an_image_reproduces_it(PixelRange range)
    {
        using var network = global::DeepVis.DefaultModel.Load(fixture.Device);
        var random = new Random(4);
        var pixels = Enumerable.Range(0, 28 * 28).Select(_ => (float)(0.05 + 0.9 * random.NextDouble())).ToArray();
        var settings = new RenderSettings(28, 1, new ParameterizationSettings(true, false, Range: range), TransformChain.None, RenderOptimizer.Adam, 1e-9f);
        var result = Renderer.Run(network, Objective.Channel("conv1_1", 0), 1, settings, random, pixels);
        Assert.All(result.Pixels.Zip(pixels), p => Assert.True(Math.Abs(p.First - p.Second) < 1e-3, $"{p.First} for {p.Second}"));
    }

    [Fact]
    public void An_image_with_its_own_source_renders_alone_as_in_its_batch()
    {
        using var network = global::DeepVis.DefaultModel.Load(fixture.Device);
        var settings = RenderSettings.Lucid(28, 1, 12);
        var objective = Objective.Channel("conv2_1", 4).At(0) + Objective.Channel("conv2_1", 5).At(1) + Objective.Channel("conv2_1", 6).At(2);
        var batch = Renderer.Run(network, objective, settings, [new Random(40), new Random(41), new Random(42)]);
        var alone = Renderer.Run(network, Objective.Channel("conv2_1", 5), settings, [new Random(41)]);
        var plane = 28 * 28;
        Assert.Equal(alone.Pixels, batch.Pixels.AsSpan(plane, plane).ToArray());
        Assert.Equal(alone.End[0], batch.End[1]);
        // A different source is a different image: the equality above is not a constant start.
        var other = Renderer.Run(network, Objective.Channel("conv2_1", 5), settings, [new Random(43)]);
        Assert.NotEqual(alone.Pixels, other.Pixels);
    }
}
