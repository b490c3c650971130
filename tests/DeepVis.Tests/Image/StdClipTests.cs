using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class StdClipTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : StdClipTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : StdClipTests(fixture, Implementation.Ilgpu);

    [Theory]
    [InlineData(2, 3, 37, 41, 1.0)]
    [InlineData(3, 1, 1, 1, 2.0)] // std 0: the image collapses onto its mean, which is its one value
    [InlineData(4, 3, 5, 7, 0.5)]
    [InlineData(2, 1, 9, 3, 0.0)] // k = 0: every element becomes the image mean
    public void Matches_reference(int n, int c, int h, int w, double k)
    {
        int[] shape = [n, c, h, w];
        var x = ImagesWithOutliers(shape);
        var xt = Upload(x, shape);
        var stats = Poisoned(n, ImageStats.Count);
        var y = Poisoned(shape);
        ImageStats.Compute(xt, stats);
        StdClip.Apply(xt, stats, (float)k, y);
        AssertClose(StdClipReference.Apply(ToDouble(x), n, k), y.ToArray(), 1e-4, $"std clip {Tensor.Format(shape)} k={k}");
    }

    [Fact]
    public void In_place_matches_reference_and_stays_within_original_bounds()
    {
        int[] shape = [Between(2, 4), Between(1, 3), Between(2, 20) | 1, Between(2, 20) | 1];
        var k = 0.5 + 1.5 * Rng.NextDouble();
        var x = ImagesWithOutliers(shape);
        var t = Upload(x, shape);
        StdClip.ApplyInPlace(t, Poisoned(shape[0], ImageStats.Count), (float)k);
        var actual = t.ToArray();
        AssertClose(StdClipReference.Apply(ToDouble(x), shape[0], k), actual, 1e-4, $"std clip in place k={k:F3}");

        // Property: every element within mean +- k std of the ORIGINAL image, and the clip did something.
        var m = x.Length / shape[0];
        var original = ImageStatsReference.MeanStd(ToDouble(x), shape[0]);
        var clipped = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var (mean, std) = original[i / m];
            var slack = 1e-5 * (1 + Math.Abs(mean) + k * std);
            Assert.True(actual[i] >= mean - k * std - slack && actual[i] <= mean + k * std + slack,
                $"element {i} = {actual[i]} lies outside {mean} +- {k} * {std}; {Replay}");
            if (actual[i] != x[i]) clipped++;
        }
        Assert.True(clipped > 0, $"no element was clipped (k={k}); {Replay}");
    }

    [Fact]
    public void Rejects_negative_k()
    {
        var x = Upload(Uniform(8), 2, 1, 2, 2);
        var ex = Assert.Throws<ArgumentException>(() => StdClip.Apply(x, Poisoned(2, ImageStats.Count), -1f, x));
        Assert.Contains("k must be a finite number >= 0", ex.Message);
        Assert.Contains("-1", ex.Message);
    }

    [Fact]
    public void Rejects_stats_of_another_batch()
    {
        var x = Upload(Uniform(8), 2, 1, 2, 2);
        var ex = Assert.Throws<ShapeException>(() => StdClip.Apply(x, Poisoned(3, ImageStats.Count), 1f, x));
        Assert.Contains("std clip stats", ex.Message);
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Contains("[3, 4]", ex.Message);
    }

    /// <summary>Uniform values with a few large outliers per image, like a gradient with hot spots.</summary>
    private float[] ImagesWithOutliers(int[] shape)
    {
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b), -1, 1.5);
        var m = x.Length / shape[0];
        if (m > 1)
            for (var i = 0; i < x.Length; i += m)
                for (var o = 0; o < 3; o++)
                    x[i + Rng.Next(m)] = (float)(Rng.NextDouble() < 0.5 ? -8 : 8);
        return x;
    }
}
