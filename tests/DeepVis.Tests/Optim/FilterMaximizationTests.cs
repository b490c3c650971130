using DeepVis.Nets;
using DeepVis.Optim;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Optim;

/// <summary>Filter visualization on the random mini-vgg, in several batches: every filter's activation rises.</summary>
public sealed class FilterMaximizationTests(DeviceFixture fixture)
{
    [Theory]
    [InlineData("conv2_1", 1, 7, 4)]
    [InlineData("fc1", 3, 6, 2)]
    public void Every_filter_in_the_range_rises_across_batches(string layerName, int first, int last, int batch)
    {
        using var network = Network.Build(fixture.Device, TestWeights.MiniVgg());
        var layer = network.Resolve(layerName);
        var filters = Enumerable.Range(first, last - first + 1).ToList();
        var batches = new List<int[]>();
        var settings = new FilterSettings(28, 12, InputSize.PixelLevels(network.Info, 3f), 1e-4f, 4, 0.5f);

        var results = FilterMaximization.Run(network, layer, filters, batch, settings, new Random(5), (optimizer, chunk) =>
        {
            batches.Add([.. chunk]);
            Assert.Equal(chunk.Count, optimizer.Image.N);
            return optimizer.Run(settings.Iterations, settings.Iterations, new Random(chunk[0]));
        });

        Assert.Equal(filters, batches.SelectMany(b => b));
        Assert.True(batches.Count > 1, "the range should need several batches");
        Assert.Equal(filters, results.Select(r => r.Filter));
        // Some filters of the random network cannot go far (a filter of negative weights on ReLU inputs
        // is bounded by its bias), so the bound is a clear rise, not a factor.
        Assert.All(results, r => Assert.True(r.End > r.Start + 0.05f * (1 + Math.Abs(r.Start)),
            $"{layerName} filter {r.Filter}: activation {r.Start} -> {r.End}"));
    }
}
