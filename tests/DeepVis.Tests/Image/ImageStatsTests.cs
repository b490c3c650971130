using DeepVis.Kernels.Image;
using DeepVis.Kernels.Runtime;
using DeepVis.Tests.Reference;
using DeepVis.Tests.Support;

namespace DeepVis.Tests.Image;

public abstract class ImageStatsTests(DeviceFixture fixture, Implementation implementation) : KernelTest(fixture, implementation)
{
    public sealed class OnCpu(DeviceFixture fixture) : ImageStatsTests(fixture, Implementation.Cpu);

    public sealed class OnIlgpu(DeviceFixture fixture) : ImageStatsTests(fixture, Implementation.Ilgpu);

    [Theory]
    [InlineData(2, 3, 37, 41)] // far more elements than one group's stride: the strided loop runs many times
    [InlineData(3, 1, 1, 1)] // a single element per image: most threads of the group see nothing
    [InlineData(4, 3, 5, 7)]
    [InlineData(1, 1, 3, 1)]
    public void Matches_reference(int n, int c, int h, int w) => CheckAgainstReference([n, c, h, w]);

    [Fact]
    public void Matches_reference_on_random_shape() =>
        CheckAgainstReference([Between(2, 4), Between(1, 5), Between(1, 15) | 1, Between(1, 15) | 1]);

    [Fact]
    public void Matches_reference_on_vectors() => CheckAgainstReference([3, Between(1, 40)]);

    [Fact]
    public void Matches_reference_on_a_large_batch() => CheckAgainstReference([2, 3, 97, 83]);

    [Fact]
    public void An_all_zero_image_has_all_zero_statistics()
    {
        var stats = Poisoned(2, ImageStats.Count);
        ImageStats.Compute(Track(Tensor.Zeros(Device, 2, 3, 5, 7)), stats);
        Assert.Equal(new float[2 * ImageStats.Count], stats.ToArray());
    }

    [Fact]
    public void A_nan_makes_the_statistics_of_its_image_nan()
    {
        int[] shape = [2, 3, 7, 9];
        var x = Uniform(shape.Aggregate(1, (a, b) => a * b), -1, 2);
        var m = x.Length / 2;
        x[m + Between(0, m - 1)] = float.NaN;
        var stats = Poisoned(2, ImageStats.Count);
        ImageStats.Compute(Upload(x, shape), stats);
        var actual = stats.ToArray();
        AssertClose(ImageStatsReference.Compute(ToDouble(x[..m]), 1), actual[..ImageStats.Count], 1e-5, "image stats of the image without NaN");
        foreach (var column in new[] { ImageStats.Sum, ImageStats.SumOfSquares, ImageStats.SumAbs })
            Assert.True(float.IsNaN(actual[ImageStats.Count + column]), $"column {column} is {actual[ImageStats.Count + column]}; {Replay}");
        // Max propagates NaN on the CPU (PTX's max.f32 returns the other operand instead).
        if (Device.IsCpu)
            Assert.True(float.IsNaN(actual[ImageStats.Count + ImageStats.MaxAbs]), $"max |x| is {actual[ImageStats.Count + ImageStats.MaxAbs]}; {Replay}");
    }

    [Fact]
    public void Repeated_launches_give_identical_bits()
    {
        int[] shape = [2, 3, 19, 23];
        var x = Upload(Uniform(shape.Aggregate(1, (a, b) => a * b), -1, 2), shape);
        var (first, second) = (Poisoned(2, ImageStats.Count), Poisoned(2, ImageStats.Count));
        ImageStats.Compute(x, first);
        ImageStats.Compute(x, second);
        Assert.Equal(first.ToArray(), second.ToArray());
    }

    [Fact]
    public void Rejects_mismatched_stats_shape()
    {
        var ex = Assert.Throws<ShapeException>(() =>
            ImageStats.Compute(Upload(Uniform(8), 2, 1, 2, 2), Poisoned(2, 3)));
        Assert.Contains("image stats", ex.Message);
        Assert.Contains("[2, 4]", ex.Message);
        Assert.Contains("[2, 3]", ex.Message);
    }

    private void CheckAgainstReference(int[] shape)
    {
        var length = shape.Aggregate(1, (a, b) => a * b);
        // Shifted so the mean is not 0 and the largest magnitude is usually a positive element.
        var x = Uniform(length, -1, 2);
        var stats = Poisoned(shape[0], ImageStats.Count);
        ImageStats.Compute(Upload(x, shape), stats);
        var expected = ImageStatsReference.Compute(ToDouble(x), shape[0]);
        var actual = stats.ToArray();
        AssertClose(expected, actual, 1e-5, $"image stats {Tensor.Format(shape)}");
        // max |x| is one of the inputs: exact.
        for (var b = 0; b < shape[0]; b++)
        {
            var i = ImageStats.Count * b + ImageStats.MaxAbs;
            Assert.True(actual[i] == expected[i],
                $"image stats {Tensor.Format(shape)}: max |x| of item {b} is {actual[i]}, expected {expected[i]}; {Replay}");
        }
    }
}
