using DeepVis.Kernels.Runtime;
using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

public sealed class OctavesTests(DeviceFixture fixture)
{
    [Theory]
    [InlineData(112, 112, 4, 1.4f)]
    [InlineData(97, 61, 5, 1.3f)]
    [InlineData(224, 160, 3, 2f)]
    public void Each_octave_is_the_full_size_over_a_power_of_the_scale_rounded(int height, int width, int count, float scale)
    {
        var sizes = Octaves.Sizes(height, width, count, scale, minimum: 1);
        Assert.Equal(count, sizes.Count);
        Assert.Equal((height, width), sizes[^1]);
        for (var k = 0; k < count; k++)
        {
            var factor = Math.Pow(scale, count - 1 - k);
            Assert.InRange(sizes[k].H, height / factor - 0.5, height / factor + 0.5);
            Assert.InRange(sizes[k].W, width / factor - 0.5, width / factor + 0.5);
            if (k > 0) Assert.True(sizes[k].H > sizes[k - 1].H && sizes[k].W > sizes[k - 1].W, $"octave {k} is not larger than the one below");
        }
    }

    [Fact]
    public void Octaves_below_the_minimum_are_dropped_and_the_rest_kept()
    {
        var all = Octaves.Sizes(112, 80, 6, 1.4f, minimum: 1);
        var kept = Octaves.Sizes(112, 80, 6, 1.4f, minimum: 30);
        Assert.All(kept, s => Assert.True(s.H >= 30 && s.W >= 30, $"{s} is below the minimum"));
        Assert.Equal(all.Where(s => s.H >= 30 && s.W >= 30), kept);
        Assert.True(kept.Count < all.Count);
        Assert.Equal((112, 80), kept[^1]);
    }

    [Fact]
    public void A_full_size_below_the_minimum_is_refused()
    {
        Assert.Contains("below the minimum 32x32", Assert.Throws<ShapeException>(() => Octaves.Sizes(20, 40, 3, 1.4f, minimum: 32)).Message);
        Assert.Equal("octaves: expected at least 1, got 0", Assert.Throws<SettingsException>(() => Octaves.Sizes(40, 40, 0, 1.4f, minimum: 1)).Message);
        Assert.Equal("octave scale: expected a number above 1, got 1", Assert.Throws<SettingsException>(() => Octaves.Sizes(40, 40, 3, 1f, minimum: 1)).Message);
    }

    [Fact]
    public void The_minimum_input_is_the_smallest_every_pool_still_maps_to_a_pixel()
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var minimum = InputSize.Minimum(network);
        var shapes = network.OutputShapes(1, minimum, minimum);
        Assert.All(shapes.Where(s => s.Length == 4), s => Assert.True(s[2] >= 1 && s[3] >= 1));
        Assert.Throws<ShapeException>(() => network.OutputShapes(1, minimum - 1, minimum - 1));
    }
}
